"""NotOneLess (一个不能少): keep every child of compulsory-school age in school and
pay every eligible child's subsidy exactly once."""

__version__ = "0.1.0"
