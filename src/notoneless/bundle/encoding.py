"""Text of a CSV or JSON file of the bundle: which encodings are read, and the error for
the rest. Officers' extracts come as UTF-8 (with or without BOM) or GB18030 (a superset
of GBK and GB2312, what Excel on a Chinese Windows saves); anything else is refused with
a BundleError that names the file and says how to save it.

A NUL byte or another control character decides the encoding only in the header line
(UTF-16 text holds NULs everywhere, a binary file has no readable header): in a data
row it rejects that row alone (``CONTROL_CHAR``, ``bundle/files.py``), wherever in the
file it is.
"""

from __future__ import annotations

import unicodedata

from notoneless.errors import BundleError


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of a CSV/JSON file: UTF-8 (with or without BOM) or GB18030
    (a superset of GBK and GB2312). Anything else is a BundleError naming the file."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(name, exc) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in _first_line(data):
        raise BundleError(f"{name} 的编码不受支持（疑似 UTF-16 或二进制文件）；请另存为 UTF-8 或 GB18030（GBK）编码的 CSV")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _encoding_error(name, exc) from exc
    # GB18030 decodes many byte strings; a header line with control characters, or text
    # full of them, is not text (a few in data rows reject those rows only)
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    header_controls = sum(1 for ch in sample.split("\n", 1)[0] if unicodedata.category(ch) == "Cc" and ch not in "\t\r")
    if header_controls or controls > len(sample) // 100:
        raise BundleError(f"{name} 不是 UTF-8 或 GB18030（GBK）编码的文本；请另存为 CSV（UTF-8）")
    return text, "gb18030"


def _first_line(data: bytes) -> bytes:
    end = data.find(b"\n", 0, 65536)
    return data[:end] if end >= 0 else data[:65536]


def _encoding_error(name: str, exc: UnicodeDecodeError) -> BundleError:
    return BundleError(
        f"{name} 的编码无法识别（第 {exc.start} 字节处既不是 UTF-8 也不是 GB18030/GBK）；请另存为 UTF-8 或 GBK 编码的 CSV"
    )
