// The server's version and edition, e.g. "2026.08.1 community" (GraphStore.server_version()).
CALL dbms.components() YIELD name, versions, edition
WHERE name = 'Neo4j Kernel'
RETURN versions[0] + ' ' + edition AS version
