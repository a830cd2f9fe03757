// The contract's definitions (section 3), computed once per person and kept on the
// Person node for the five checks and the trail. The one home of each definition:
//   compulsory_age  born after row.born_after and on or before row.born_by (the range is
//                   computed from the school year's start by checks/definitions.py);
//                   the birth date is the valid ID's where there is one (load).
//   active_reg_code the village of a hukou record 正常 in the province; else, only for
//                   a person with no hukou record, of a fupin, minzheng or canlian
//                   record in the province (in that order).
//   excluded        a hukou record 死亡/迁出/注销 and no hukou record 正常.
//   enrolled        a xueji record 在读 or 休学;  studying: a xueji record 在读;
//   studying_compulsory: 在读 in 一年级…九年级.
//   unmatched       compulsory_age, active registration, not enrolled, not excluded.
//   target          compulsory_age and (a fupin record or unmatched).
//   reg_county      registration county: the hukou village's county (正常 first), else
//                   the county of xueji 户口所在地.
//   study_county    county of the school of a 在读 record;  school_county: of the
//                   school of the first xueji record (在读, then 休学, then any).
//   home_code       the child's village for officers' views: active_reg_code, else a
//                   fupin, hukou, minzheng or canlian record's code, else 户口所在地
//                   (the checks use active_reg_code).
//   fupin, dibao (农村低保), tekun (农村特困), relief (any 民政 record), disabled.
// Written in batches: one row per person, each carrying the run's parameters.
// @example {"rows": [{"person_id": "P000001", "province": "43", "born_after": "2009-09-01", "born_by": "2019-09-01"}]}
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_RECORD]->(r:SourceRecord)
  WITH r ORDER BY r.row_no
  RETURN collect(r) AS recs
}
WITH p, row,
     [r IN recs WHERE r.source = 'hukou'] AS hukou,
     [r IN recs WHERE r.source = 'xueji'] AS xueji,
     [r IN recs WHERE r.source = 'fupin'] AS fupin,
     [r IN recs WHERE r.source = 'minzheng'] AS minzheng,
     [r IN recs WHERE r.source = 'canlian'] AS canlian
WITH p, row, hukou, xueji, fupin, minzheng, canlian,
     [h IN hukou WHERE h.hukou_status = '正常' AND h.division_code STARTS WITH row.province | h.division_code]
       AS hukou_here,
     [r IN fupin + minzheng + canlian WHERE r.division_code STARTS WITH row.province | r.division_code]
       AS others_here,
     [x IN xueji WHERE x.enrol_status = '在读'] + [x IN xueji WHERE x.enrol_status = '休学']
       + [x IN xueji WHERE NOT coalesce(x.enrol_status, '') IN ['在读', '休学']] AS xueji_ordered,
     [h IN hukou WHERE h.hukou_status = '正常'] + [h IN hukou WHERE coalesce(h.hukou_status, '') <> '正常']
       AS hukou_ordered
WITH p, row, hukou, xueji, fupin, minzheng, canlian, hukou_here, xueji_ordered,
     CASE WHEN size(hukou_here) > 0 THEN hukou_here[0]
          WHEN size(hukou) = 0 AND size(others_here) > 0 THEN others_here[0] END AS active_reg_code,
     [h IN hukou_ordered WHERE h.division_code IS NOT NULL | h.division_code]
       + [x IN xueji_ordered WHERE x.hukou_code IS NOT NULL | x.hukou_code] AS reg_codes,
     [x IN xueji_ordered | head([(x)-[:ENROLLED_AT]->(s:School) | s.county_code])] AS school_counties,
     [x IN xueji WHERE x.enrol_status = '在读' | head([(x)-[:ENROLLED_AT]->(s:School) | s.county_code])]
       AS study_counties
WITH p, hukou, xueji, fupin, minzheng, canlian, active_reg_code, reg_codes, school_counties, study_counties,
     p.birth_date IS NOT NULL AND p.birth_date > date(row.born_after) AND p.birth_date <= date(row.born_by)
       AS compulsory_age,
     any(h IN hukou WHERE h.hukou_status IN ['死亡', '迁出', '注销'])
       AND none(h IN hukou WHERE h.hukou_status = '正常') AS excluded,
     any(x IN xueji WHERE x.enrol_status IN ['在读', '休学']) AS enrolled,
     any(x IN xueji WHERE x.enrol_status = '在读') AS studying,
     any(x IN xueji WHERE x.enrol_status = '在读'
         AND x.grade IN ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级', '九年级'])
       AS studying_compulsory
WITH p, compulsory_age, excluded, enrolled, studying, studying_compulsory, active_reg_code,
     size(fupin) > 0 AS is_fupin,
     compulsory_age AND active_reg_code IS NOT NULL AND NOT enrolled AND NOT excluded AS unmatched,
     left(toString(head(reg_codes)), 6) AS reg_county,
     head([c IN study_counties WHERE c IS NOT NULL]) AS study_county,
     head([c IN school_counties WHERE c IS NOT NULL]) AS school_county,
     coalesce(active_reg_code,
              head([r IN fupin + hukou + minzheng + canlian WHERE r.division_code IS NOT NULL | r.division_code]),
              head([x IN xueji WHERE x.hukou_code IS NOT NULL | x.hukou_code])) AS home_code,
     any(r IN minzheng WHERE r.relief_type = '农村低保') AS dibao,
     any(r IN minzheng WHERE r.relief_type = '农村特困') AS tekun,
     size(minzheng) > 0 AS relief,
     size(canlian) > 0 AS disabled
SET p.compulsory_age = compulsory_age, p.excluded = excluded, p.enrolled = enrolled, p.studying = studying,
    p.studying_compulsory = studying_compulsory, p.active_reg_code = active_reg_code,
    p.unmatched = unmatched, p.target = compulsory_age AND (is_fupin OR unmatched),
    p.reg_county = reg_county, p.study_county = study_county, p.school_county = school_county,
    p.home_code = home_code, p.fupin = is_fupin, p.dibao = dibao, p.tekun = tekun, p.relief = relief,
    p.disabled = disabled
