// The cases about one person (the trail's cases; the caller has checked the person's
// scope, and a case about a person in scope is in scope), ordered by case id.
// @example {"person_id": "P000001"}
MATCH (c:Case)-[:ABOUT]->(:Person {person_id: $person_id})
RETURN c {.case_id, .case_type, .type_label, .state, .title, .version, .person_id, .name, .subject,
          .responsible_county, .responsible_town, .responsible_village, .responsible_school,
          deadline: toString(c.deadline), opened_at: toString(c.opened_at),
          updated_at: toString(c.updated_at)} AS case
ORDER BY c.case_id
