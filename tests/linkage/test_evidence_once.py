"""Evidence counted once (issue 22, the hard profile's errors at 1M records):

- a head's own name is not household evidence: as "户主同名" it counted the name twice,
  and namesake heads of two households in two towns became one person;
- a birth date that ingest read from a valid ID number is not evidence beside that
  number: counted twice, a number copied from a brother onto a sibling's line
  outweighed the sibling level (one household, given names that sound different);
- a relative's number is found when the two names are near in spelling (向悦怡 and 向依
  share most of their pinyin) but the family holds both as two members;
- two members of one household whose given names do not sound alike are two people
  whatever their surnames (a mother's number copied onto her daughter's line).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from notoneless.config import Settings
from notoneless.linkage import scoring

from .records import load_families, make_id, population

REGION = "431224"
TOWN_A_VILLAGE = "431224112206"
TOWN_B_VILLAGE = "431224204212"  # another town of the same county
V = "431224106212"

ZHOU_ID = make_id(REGION, date(1991, 8, 27), 203)
HF_ID = make_id(REGION, date(1984, 2, 11), 171)  # 黄浩峰
KW_ID = make_id(REGION, date(2014, 8, 7), 425)  # 黄凯伟
MK_ID = make_id(REGION, date(1986, 6, 1), 131)  # 向铭凯
YY_ID = make_id(REGION, date(2018, 5, 27), 18)  # 向悦怡
YI_ID = make_id(REGION, date(2020, 6, 17), 496)  # 向依
JK_ID = make_id(REGION, date(1990, 3, 2), 311)  # 张家恺
WX_ID = make_id(REGION, date(1993, 9, 6), 716)  # 吴秀

# (source, name, ID, household, head, 与户主关系, village)
MEMBERS = [
    # 周昊: a head in the household registry, and a relief list's head of the same name
    # without an ID number, in another town: two men
    ("hukou", "周昊", ZHOU_ID, "H-zhou", "周昊", "户主", TOWN_A_VILLAGE),
    ("minzheng", "周昊", None, None, "周昊", "", TOWN_B_VILLAGE),
    # 黄: the poverty list copied 黄凯伟's number onto his brother 黄伟子's line
    ("hukou", "黄浩峰", HF_ID, "H-huang", "黄浩峰", "户主", V),
    ("hukou", "黄凯伟", KW_ID, "H-huang", "黄浩峰", "子", V),
    ("fupin", "黄浩峰", HF_ID, "F-huang", "黄浩峰", "户主", V),
    ("fupin", "黄凯伟", KW_ID, "F-huang", "黄浩峰", "子", V),
    ("fupin", "黄伟子", KW_ID, "F-huang", "黄浩峰", "子", V),
    # 向: the poverty list copied 向依's number onto her sister 向悦怡's line
    ("hukou", "向铭凯", MK_ID, "H-xiang", "向铭凯", "户主", V),
    ("hukou", "向悦怡", YY_ID, "H-xiang", "向铭凯", "女", V),
    ("hukou", "向依", YI_ID, "H-xiang", "向铭凯", "女", V),
    ("fupin", "向铭凯", MK_ID, "F-xiang", "向铭凯", "户主", V),
    ("fupin", "向悦怡", YI_ID, "F-xiang", "向铭凯", "女", V),
    ("fupin", "向依", YI_ID, "F-xiang", "向铭凯", "女", V),
    # 张: the relief list copied the mother 吴秀's number onto her daughter 张梦嘉's line;
    # the daughter has no other record
    ("hukou", "张家恺", JK_ID, "H-zhang", "张家恺", "户主", V),
    ("hukou", "吴秀", WX_ID, "H-zhang", "张家恺", "配偶", V),
    ("minzheng", "吴秀", WX_ID, None, "张家恺", "", V),
    ("minzheng", "张梦嘉", WX_ID, None, "张家恺", "", V),
]


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    background, _ = population(150, seed=23)
    con = duckdb.connect()
    keys = load_families(con, background, MEMBERS)
    scoring.link(con, Settings(workspace=tmp_path_factory.mktemp("ws")), run_id="once")
    yield con, dict(zip([(m[0], m[1]) for m in MEMBERS], keys, strict=True))
    con.close()


def _person(con, key: str) -> str:
    return con.execute("SELECT person_id FROM entities WHERE record_key = ?", [key]).fetchall()[0][0]


def test_namesake_heads_of_two_towns_are_two_people(linked):
    con, k = linked
    assert _person(con, k["minzheng", "周昊"]) != _person(con, k["hukou", "周昊"])


def test_a_head_shares_no_household_name_with_himself(linked):
    con, k = linked
    carers = dict(con.execute(
        "SELECT record_key, carers FROM linkage_input WHERE record_key IN (?, ?)",
        [k["hukou", "周昊"], k["minzheng", "周昊"]]).fetchall())
    assert carers == {k["hukou", "周昊"]: [], k["minzheng", "周昊"]: []}


def test_a_brothers_number_does_not_make_his_sibling_him(linked):
    con, k = linked
    brother = _person(con, k["hukou", "黄凯伟"])
    assert _person(con, k["fupin", "黄凯伟"]) == brother
    assert _person(con, k["fupin", "黄伟子"]) != brother


def test_a_sisters_number_is_found_when_the_names_are_near_in_spelling(linked):
    con, k = linked
    assert con.execute("SELECT id_norm FROM relative_ids WHERE record_key = ?",
                       [k["fupin", "向悦怡"]]).fetchall() == [(YI_ID,)]
    assert _person(con, k["fupin", "向悦怡"]) == _person(con, k["hukou", "向悦怡"])
    assert _person(con, k["fupin", "向依"]) == _person(con, k["hukou", "向依"])
    assert _person(con, k["fupin", "向悦怡"]) != _person(con, k["hukou", "向依"])


def test_a_mothers_number_does_not_make_her_daughter_her(linked):
    # one household, given names that do not sound alike: two members whatever their
    # surnames (the sibling level), so the copied number does not decide
    con, k = linked
    mother = _person(con, k["hukou", "吴秀"])
    assert _person(con, k["minzheng", "吴秀"]) == mother
    assert _person(con, k["minzheng", "张梦嘉"]) != mother
