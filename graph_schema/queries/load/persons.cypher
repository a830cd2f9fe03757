// Person nodes: one per resolved person (linkage cluster), with the best name (and its
// pinyin, for the API's search), best
// valid ID, birth date and sex chosen in DuckDB (graph/load.py PERSONS_SQL).
// @example {"rows": [{"person_id": "P000001", "name": "张伟", "name_pinyin": "zhangwei", "id_number": "431202201203050012", "birth_date": "2012-03-05", "sex": "M", "record_count": 2, "sources": ["hukou", "xueji"], "run_id": "example", "compulsory_age": true, "excluded": false, "enrolled": true, "studying": true, "studying_compulsory": true, "active_reg_code": "431202101001", "unmatched": false, "target": true, "home_code": "431202101001", "reg_county": "431202", "study_county": "431221", "school_county": "431221", "fupin": true, "dibao": false, "tekun": false, "relief": false, "disabled": false}]}
UNWIND $rows AS row
MERGE (p:Person {person_id: row.person_id})
SET p = row
