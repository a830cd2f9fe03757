// What the graph holds of the findings with the given keys: whether each is active and its
// content, one text of what findings/record writes (kind, label, person, division, columns
// and values, each after U+001F; a missing person or division as an empty text, a present
// one after '='). record_findings (checks/catalogue.py) builds the same text for this run's
// findings and writes in full only those that are new, changed or inactive.
// @example {"keys": ["unmatched_children|P000001"]}
UNWIND $keys AS key
MATCH (f:Finding {key: key})
RETURN f.key AS key, f.active AS active,
       reduce(s = f.kind + '\u001F' + f.label
                  + '\u001F' + CASE WHEN f.person_id IS NULL THEN '' ELSE '=' + f.person_id END
                  + '\u001F' + CASE WHEN f.division_code IS NULL THEN '' ELSE '=' + f.division_code END
                  + '\u001F' + toString(size(f.columns)),
              v IN f.columns + f.values | s + '\u001F' + v) AS content
