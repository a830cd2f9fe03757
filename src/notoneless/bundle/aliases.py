"""Header aliases: which header of a real extract means which contract column.

The built-in aliases live in ``schema.py``. A bundle (``<bundle>/header_aliases.json``)
or the workspace (passed as ``extra_aliases``) may add more. Format::

    {
      "hukou": {"身份证号": ["公民身份号码(18位)", "证件号码1"], "户号": "户口簿号"},
      "*":     {"姓名": ["名字"]}
    }

Top-level keys are stems (``hukou``, ``xueji`` … as in the contract) or ``"*"`` for
every file; inner keys are a column's canonical Chinese header or its English field
name from ``schema.py`` (``id_raw``); values are one header or a list of headers.

Headers are compared after NFKC (full-width → half-width), removing whitespace and
``*`` (template "required" markers) and a trailing parenthesised note
(``身份证号（18位）`` matches ``身份证号``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from notoneless.bundle.encoding import decode_bytes
from notoneless.bundle.schema import FILES, FileSpec
from notoneless.errors import BundleError

Aliases = dict[str, dict[str, tuple[str, ...]]]  # stem → field → extra headers

ALIAS_FILE = "header_aliases.json"


def header_key(header: object) -> str:
    s = unicodedata.normalize("NFKC", "" if header is None else str(header)).replace("\ufeff", "")
    s = re.sub(r"[\s*]+", "", s)
    s = re.sub(r"\([^()]*\)$", "", s)
    return s


def load_aliases(path: Path) -> Aliases:
    """Read one alias file; BundleError naming the file when it is not in the format."""

    try:
        text, _ = decode_bytes(path.read_bytes(), path.name)
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(f"{path} 不是有效的 JSON（第 {exc.lineno} 行：{exc.msg}）；请修正表头别名文件") from exc
    except OSError as exc:
        raise BundleError(f"无法读取表头别名文件 {path}：{exc.strerror}") from exc
    if not isinstance(data, dict):
        raise BundleError(f"{path} 应为 {{\"系统\": {{\"标准列名\": [\"别名\", …]}}}} 形式的 JSON 对象")
    out: Aliases = {}
    for stem, mapping in data.items():
        stems = list(FILES) if stem == "*" else [stem]
        if stem != "*" and stem not in FILES:
            raise BundleError(f"{path}：未知的系统 {stem!r}；可用：{', '.join(FILES)} 或 *")
        if not isinstance(mapping, dict):
            raise BundleError(f"{path}：{stem} 的值应为 {{\"标准列名\": [\"别名\", …]}}")
        for s in stems:
            spec = FILES[s]
            for col_key, headers in mapping.items():
                col = _find_column(spec, col_key)
                if col is None:
                    if stem == "*":
                        continue
                    raise BundleError(
                        f"{path}：{stem} 没有列 {col_key!r}；可用：{', '.join(c.header for c in spec.columns)}"
                    )
                items = (headers,) if isinstance(headers, str) else tuple(str(h) for h in headers)
                out.setdefault(s, {}).setdefault(col, ())
                out[s][col] = out[s][col] + items
    return out


def merge(*parts: Aliases) -> Aliases:
    out: Aliases = {}
    for part in parts:
        for stem, cols in part.items():
            for fld, headers in cols.items():
                out.setdefault(stem, {})
                out[stem][fld] = out[stem].get(fld, ()) + headers
    return out


def _find_column(spec: FileSpec, key: str) -> str | None:
    for c in spec.columns:
        if key in (c.field, c.header) or header_key(key) == header_key(c.header):
            return c.field
    return None


def resolve_columns(spec: FileSpec, headers: list[str], file_name: str, extra: Aliases) -> dict[str, int | None]:
    """field → column index (None for a missing optional column). Canonical headers
    win over aliases; a header is used for one field only. A missing required column
    raises BundleError naming the file and every missing column, each with the aliases tried
    (all of them in one message: an officer fixes the header once)."""
    keys = [header_key(h) for h in headers]
    index: dict[str, int] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, i)
    taken: set[int] = set()
    found: dict[str, int | None] = {}
    missing: list[str] = []
    # pass 1: canonical headers
    for c in spec.columns:
        i = index.get(header_key(c.header))
        if i is not None and i not in taken:
            found[c.field] = i
            taken.add(i)
    # pass 2: aliases (built-in, then extra)
    for c in spec.columns:
        if c.field in found:
            continue
        tried = (c.header, *c.aliases, *extra.get(spec.stem, {}).get(c.field, ()))
        for alias in tried:
            i = index.get(header_key(alias))
            if i is not None and i not in taken:
                found[c.field] = i
                taken.add(i)
                break
        else:
            if c.required:
                missing.append(f"「{c.header}」（已尝试表头：{'、'.join(dict.fromkeys(tried))}）")
            found[c.field] = None
    if missing:
        raise BundleError(
            f"{file_name} 缺少必需列{'，'.join(missing)}；"
            f"请修改表头，或在 {ALIAS_FILE} 中为 {spec.stem} 添加别名"
        )
    return found
