// Whether the case `c` is within the caller's scope: the one home of this rule, placed
// by {{case_scope}} into cases/in_scope, api/cases/list, web/cases and web/dashboard
// (graph/cypher_files.py). Parameters: $division and $school (access.users.Caller.scope():
// $school is the school id of role 学校, else null and $division the caller's division).
// - A division sees the cases whose responsible county, town or village lies under it,
//   the cases it handed to another county until they are accepted (transfer_from), and
//   the cases of a child with a record registered under it or enrolled at one of its
//   schools (a child of county B at school in county A is seen by both).
// - A school sees the cases it is responsible for and those of its students.
// $division or $school is null, so its tests are null (false) and only the caller's own
// kind matches: no CASE, so that the planner tests the case's own properties first and
// the child's records (one subquery) only for the cases they miss, after a query's other
// filters.
c.responsible_county STARTS WITH $division OR c.responsible_town STARTS WITH $division
OR c.responsible_village STARTS WITH $division OR c.transfer_from STARTS WITH $division
OR c.responsible_school = $school
OR EXISTS { MATCH (c)-[:ABOUT]->(:Person)-[:HAS_RECORD]->(scope_record:SourceRecord)
            WHERE scope_record.division_code STARTS WITH $division
               OR EXISTS { MATCH (scope_record)-[:ENROLLED_AT]->(scope_school:School)
                           WHERE scope_school.county_code STARTS WITH $division OR scope_school.school_id = $school } }
