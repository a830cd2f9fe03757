"""The graph: the local Neo4j server (``server``; its build ``server_build`` and JDK
``jdk``), the store every query goes through (``store``), the ``.cypher`` files
(``cypher_files``) and the load of a run (``load``).

May import the foundation, ``normalize``, ``bundle`` and ``linkage``; never the checks, the
domain or above (the 三包 events reach the load through the ``load.ServiceEvents`` protocol).
"""
