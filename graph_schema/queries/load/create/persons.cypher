// Person nodes, first load only. Why two queries per step: load/persons MERGEs, which is
// right for every load (a node found is updated, a missing one made) but looks each key
// up and locks it first; into a graph that holds no node of the load's labels
// (load/run_data) every key is new, and CREATE writes the same nodes without the look-up,
// so graph/load.py uses these files for a full load into such a graph (several writers on
// disjoint key ranges) and the MERGE ones otherwise. The two must write the same graph:
// tests/graph/test_first_load.py compares them.
// @example {"rows": [{"person_id": "P-first-load", "name": "张伟", "name_pinyin": "zhangwei", "id_number": "431202201203050012", "birth_date": "2012-03-05", "sex": "M", "record_count": 2, "sources": ["hukou", "xueji"], "run_id": "example"}]}
UNWIND $rows AS row
CREATE (p:Person)
SET p = row
