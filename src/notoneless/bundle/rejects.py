"""Why a row was not accepted: stable machine codes and the Chinese reason an
officer reads in ``rejects.csv``.

What is rejected (everything else is accepted, with warning codes for bad fields):

- ``EMPTY_ROW``: every field empty (a blank line between data rows; blank rows after
  the last data row are not data rows at all);
- ``MALFORMED_ROW``: fewer fields than the header, or more with non-empty extras
  (the row's structure is broken, its values cannot be assigned to columns);
- ``QUOTE_UNCLOSED``: a quote opened a field that ran on over the following lines
  (a stray ``"``); the row where it started is rejected with the file's line numbers and
  the rows below are read from their own lines (``bundle/csvlines.py``);
- ``CONTROL_CHAR``: a NUL or another control character (a carriage return alone inside
  a line, a byte of a binary file) in any cell: only that row is rejected;
- ``FIELD_TOO_LONG``: a cell longer than its column's limit (``bundle/limits.py``);
- ``NO_IDENTITY`` / ``ID_UNRECOVERABLE_AND_NO_NAME``: a person row with no usable ID
  number (none, or one that is unrecoverable), no 学籍号 and no name;
- reference and responsibility rows whose key is unusable (a division without a
  valid code, a school without an id, a duplicate key, a contact with neither id nor
  target, a visit with no target or no readable date).
"""

from __future__ import annotations

from enum import StrEnum


class RejectCode(StrEnum):
    EMPTY_ROW = "EMPTY_ROW"
    MALFORMED_ROW = "MALFORMED_ROW"
    QUOTE_UNCLOSED = "QUOTE_UNCLOSED"
    CONTROL_CHAR = "CONTROL_CHAR"
    FIELD_TOO_LONG = "FIELD_TOO_LONG"
    NO_IDENTITY = "NO_IDENTITY"
    ID_UNRECOVERABLE_AND_NO_NAME = "ID_UNRECOVERABLE_AND_NO_NAME"
    DIVISION_CODE_INVALID = "DIVISION_CODE_INVALID"
    SCHOOL_ID_MISSING = "SCHOOL_ID_MISSING"
    DUPLICATE_KEY = "DUPLICATE_KEY"
    CONTACT_UNUSABLE = "CONTACT_UNUSABLE"
    VISIT_NO_TARGET = "VISIT_NO_TARGET"
    VISIT_DATE_INVALID = "VISIT_DATE_INVALID"


REASONS: dict[RejectCode, str] = {
    RejectCode.EMPTY_ROW: "空行：该行所有字段均为空",
    RejectCode.MALFORMED_ROW: "行格式错误：字段个数与表头不一致，无法对应到列",
    RejectCode.QUOTE_UNCLOSED: "引号未闭合：该行的引号把后面的行也吞进了一个字段，无法按列读取；请删除多余的引号后重新提交",
    RejectCode.CONTROL_CHAR: "含控制字符（如 NUL 空字节或行中孤立的回车）：该行无法可靠读取；请在原系统中修正后重新导出",
    RejectCode.FIELD_TOO_LONG: "字段过长：超过该列的长度上限，疑似粘贴错误或文件损坏；请核对该行后重新导出",
    RejectCode.NO_IDENTITY: "无可用身份信息：身份证号、学籍号、姓名均为空",
    RejectCode.ID_UNRECOVERABLE_AND_NO_NAME: "身份证号无法识别（如被 Excel 转为科学计数法或格式错误），且无学籍号、无姓名",
    RejectCode.DIVISION_CODE_INVALID: "区划代码无效：应为 2、4、6、9 或 12 位数字",
    RejectCode.SCHOOL_ID_MISSING: "学校标识码为空",
    RejectCode.DUPLICATE_KEY: "重复记录：同一代码已在前面的行出现，保留第一行",
    RejectCode.CONTACT_UNUSABLE: "联系人编号与包保对象均为空",
    RejectCode.VISIT_NO_TARGET: "走访记录缺少包保对象",
    RejectCode.VISIT_DATE_INVALID: "走访日期为空或无法识别",
}


def reason(code: RejectCode | str) -> str:
    return REASONS[RejectCode(code)]
