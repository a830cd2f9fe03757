"""NotOneLess (一个不能少): keep every child of compulsory-school age in school and
pay every eligible child's subsidy exactly once.

The package is layered, imports pointing down only: foundation (errors, config,
localtime, resources, handoffs) → normalize → bundle → linkage → graph → checks →
domain (access, cases, decisions, contacts) → services (run, trail, export) → tools
(synth, evaluation) → http (api) → commands → cli. ``docs/architecture.md`` draws the
layers and the run's stages; ``tests/test_layers.py`` enforces them.
"""

__version__ = "0.1.0"
