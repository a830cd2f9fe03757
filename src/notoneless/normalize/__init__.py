"""Pure normalisers of the values in a bundle: ID numbers (``idnumber``), names
(``names``), dates (``dates``) and small coded values (``codes``). None of them
raises on any input; each returns ``None`` (plus a warning code where useful) for a
value it cannot read.

May import only the foundation (``errors``, ``config``, ``localtime``); every other layer
builds on it.
"""
