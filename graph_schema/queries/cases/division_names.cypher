// Names of divisions by code (exports show 乡镇 names beside their codes).
// @example {"codes": ["431222", "431222101"]}
UNWIND $codes AS code
MATCH (d:Division {code: code})
RETURN d.code AS code, d.name AS name
