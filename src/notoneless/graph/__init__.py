"""The graph: the local Neo4j server (``server``; its build ``server_build`` and JDK
``jdk``), the store every query goes through (``store``), the ``.cypher`` files
(``cypher_files``) and the load of a run (``load``)."""
