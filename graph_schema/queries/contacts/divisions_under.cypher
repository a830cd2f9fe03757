// The counties (县) and towns (乡) under $division (a code prefix), with their names: the
// 三包 pages' county choice and town headings.
// @example {"division": "431224"}
MATCH (d:Division)
WHERE d.level IN ['县', '乡'] AND d.code STARTS WITH $division
RETURN d.code AS code, d.name AS name, d.level AS level
ORDER BY code
