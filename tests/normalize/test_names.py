"""Names: cleaning, split, pinyin with surname readings, swapped order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notoneless.normalize.names import clean_name, clean_names, normalize_name, swap_back


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("张伟", "张伟"),
        ("张 伟", "张伟"),
        (" 张\u3000伟 ", "张伟"),
        ("張偉", "张伟"),
        ("歐陽鋒", "欧阳锋"),
        ("艾买提·买买提", "艾买提·买买提"),
        ("艾买提.买买提", "艾买提·买买提"),
        ("艾买提•买买提", "艾买提·买买提"),
        ("艾买提・买买提", "艾买提·买买提"),
        ("艾买提．买买提", "艾买提·买买提"),
        ("艾买提 · 买买提", "艾买提·买买提"),
        ("艾买提..买买提", "艾买提·买买提"),
        ("ＡＢＣ", "ABC"),
        ("张伟\n", "张伟"),  # a line break typed into the cell
        ("張偉\r\n", "张伟"),
        ("", None),
        ("  ", None),
        ("无", None),
        ("無", None),  # converts to the placeholder 无 (cleaning stays idempotent)
        ("/.", None),  # the dot goes, the placeholder / is left
    ],
)
def test_clean(raw, norm):
    assert normalize_name(raw).name_norm == norm
    assert clean_names([raw, "张伟"])[0] == norm  # the bulk path agrees


@pytest.mark.parametrize(
    ("name", "surname", "given", "pinyin", "s_py"),
    [
        ("张伟", "张", "伟", "zhangwei", "zhang"),
        ("单田芳", "单", "田芳", "shantianfang", "shan"),
        ("曾国藩", "曾", "国藩", "zengguofan", "zeng"),
        ("区志强", "区", "志强", "ouzhiqiang", "ou"),
        ("仇英", "仇", "英", "qiuying", "qiu"),
        ("解缙", "解", "缙", "xiejin", "xie"),
        ("查良镛", "查", "良镛", "zhaliangyong", "zha"),
        ("盖聂", "盖", "聂", "genie", "ge"),
        ("朴树", "朴", "树", "piaoshu", "piao"),
        ("燕青", "燕", "青", "yanqing", "yan"),
        ("繁漪", "繁", "漪", "poyi", "po"),
        ("欧阳修", "欧阳", "修", "ouyangxiu", "ouyang"),
        ("司马光", "司马", "光", "simaguang", "sima"),
        ("诸葛亮", "诸葛", "亮", "zhugeliang", "zhuge"),
        ("上官婉儿", "上官", "婉儿", "shangguanwaner", "shangguan"),
        ("尉迟恭", "尉迟", "恭", "yuchigong", "yuchi"),
        ("吕布", "吕", "布", "lvbu", "lv"),
        ("艾买提·买买提", "艾买提", "买买提", "aimaitimaimaiti", "aimaiti"),
    ],
)
def test_split_and_pinyin(name, surname, given, pinyin, s_py):
    r = normalize_name(name)
    assert (r.surname, r.given_name, r.name_pinyin, r.surname_pinyin) == (surname, given, pinyin, s_py)
    assert r.name_pinyin == r.surname_pinyin + r.given_pinyin


def test_homophones_share_pinyin():
    assert normalize_name("张伟").name_pinyin == normalize_name("章伟").name_pinyin
    assert normalize_name("张伟").name_norm != normalize_name("章伟").name_norm


def test_compound_surname_needs_three_characters():
    assert normalize_name("欧阳").surname == "欧"


@pytest.mark.parametrize(
    ("name", "swapped"),
    [("伟张", True), ("小明王", True), ("张伟", False), ("王小明", False), ("欧阳修", False),
     ("艾买提·买买提", False), ("张", False), ("明", False)],
)
def test_swapped_order(name, swapped):
    r = normalize_name(name)
    assert r.name_swapped is swapped
    if swapped:
        assert normalize_name(swap_back(name)).name_swapped is False


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_string_raises_and_twice_is_once(s):
    r = normalize_name(s)
    if r.name_norm is not None:
        assert clean_name(r.name_norm) == r.name_norm
        assert normalize_name(r.name_norm) == r


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="张偉歐陽鋒李娜 ·.•・\u3000ＡＢ区单曾", max_size=8))
def test_chinese_like_strings_twice_is_once(s):
    r = normalize_name(s)
    if r.name_norm is not None:
        assert normalize_name(r.name_norm) == r


def test_bulk_cleaning_equals_single_results():
    from notoneless.normalize.names import clean_names

    raws = ["張偉", "张伟", "欧阳修", "艾买提.买买提", " 李 娜 ", "无", "", "伟张", "單田芳", "ＡＢ", "张三\n"]
    assert clean_names(raws) == [normalize_name(r).name_norm for r in raws]
