"""The five checks of contract section 3 and their rules (attribution, definitions).

May import the foundation, ``normalize``, ``bundle``, ``linkage`` and ``graph``; never the
domain (``cases``, ``contacts``, …) or anything above it.
"""
