// One row when the county $code exists (a contact registered for it: contacts/actions.py).
// @example {"code": "431202"}
MATCH (d:Division {code: $code, level: '县'})
RETURN d.code AS code
