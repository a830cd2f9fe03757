"""Masking of ID numbers and phone numbers in what officers are shown (API, pages, exports).

Children's ID numbers (身份证号, and 学籍号, which holds the ID after its ``G``) and
contacts' phone numbers are masked by default: an ID keeps its first 4 and last 4
characters (``4312**********123X``), a phone number its first 3 and last 4
(``138****5678``). Two layers, so that a number in an unexpected place (a finding's
columns, a case's finding, an explanation's values) is masked too:

- fields known to hold a number (``id_number``, ``id_raw``, ``xueji_no``, ``phone`` …)
  are masked whatever their value looks like;
- in every other string, any run of 15–20 digits (optionally ending in X) and any
  mainland mobile number (11 digits starting 13–19) is masked.

Full values are given only on a person's detail with ``?reveal=true`` to roles allowed
to see them (``users.CAN_REVEAL``), and that read is audited (``access/audit.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

ID_FIELDS = frozenset(
    {"id_number", "id_raw", "id_norm", "id_candidates", "id_prefix", "xueji_no", "target_raw", "身份证号", "学籍号"}
)
PHONE_FIELDS = frozenset({"phone", "手机号"})
_NUMBER_FIELDS = ID_FIELDS | PHONE_FIELDS

_ID_RUN = re.compile(r"(?<!\d)\d{14,19}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_SHORTEST = 11  # the fewest characters either pattern matches (a mobile number)


def mask_id(value: str) -> str:
    """``431202201203050012`` → ``4312**********0012`` (short values are masked whole)."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Mask every ID-like digit run and mobile number inside free text."""
    if len(text) < _SHORTEST:  # most values (names, codes, dates): too short to hold either
        return text
    text = _ID_RUN.sub(lambda m: mask_id(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


def mask(data: Any, *, reveal: bool = False, leaf: Callable[[Any], Any] | None = None) -> tuple[Any, list[str]]:
    """``data`` (JSON-like) with numbers masked, and the field paths that hold one
    (``records.id_raw``; list positions left out). With ``reveal`` the data is returned
    unchanged, with the same list of fields (what the audit event records). ``leaf``,
    if given, first turns every value that is not a string, dict or list into a JSON
    value (``convert.plain`` in the same pass: one walk instead of two)."""
    fields: set[str] = set()
    masked = _walk(data, "", None, fields, reveal, leaf)
    return masked, sorted(fields)


def _walk(value: Any, parent: str, key: str | None, fields: set[str], reveal: bool,
          leaf: Callable[[Any], Any] | None) -> Any:
    # ``parent``: the path of the dict that holds ``value`` under ``key``; a value's own
    # path is only spelled out when it holds a number or is a dict.
    if isinstance(value, dict):
        return _walk_dict(value, _path(parent, key), fields, reveal, leaf)
    if isinstance(value, (list, tuple)):
        return [_walk(v, parent, key, fields, reveal, leaf) for v in value]
    if leaf is not None and not isinstance(value, str):
        value = leaf(value)
    if not isinstance(value, str) or not value:
        return value
    if key in ID_FIELDS:
        out = mask_id(value)
    elif key in PHONE_FIELDS:
        out = mask_phone(value)
    else:
        out = mask_text(value)
    if out != value:
        fields.add(_path(parent, key))
        return value if reveal else out
    return value


def _walk_dict(value: dict[Any, Any], here: str, fields: set[str], reveal: bool,
               leaf: Callable[[Any], Any] | None) -> dict[Any, Any]:
    # The API's hot path (a trail walks ~100 values a request): the values that cannot
    # hold a number — short strings under other keys, ints, booleans, None — are kept
    # here without a call of _walk each.
    out = {}
    for k, v in value.items():
        kind = type(v)
        if (kind is str and len(v) < _SHORTEST and k not in _NUMBER_FIELDS) or v is None or kind is int or kind is bool:
            out[k] = v
        else:
            out[k] = _walk(v, here, str(k), fields, reveal, leaf)
    return out


def _path(parent: str, key: str | None) -> str:
    if key is None:
        return parent
    return f"{parent}.{key}" if parent else key
