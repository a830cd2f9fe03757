"""Small hand-written bundles for the reader's tests (written into tmp dirs)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from notoneless.bundle.schema import FILES

MANIFEST = {"name": "测试 2025秋 比对", "province_code": "43", "term": "2025秋", "reference_date": "2025-10-15"}


def valid_id(prefix17: str) -> str:
    from stdnum.cn import ric

    return prefix17 + ric.calc_check_digit(prefix17 + "0")


CHILD_A = valid_id("43120220120305001")  # boy, 2012-03-05
CHILD_B = valid_id("43122320140711002")  # girl, 2014-07-11
CHILD_C = valid_id("43122420100101003")  # boy, 2010-01-01


def base_rows() -> dict[str, list[list[str]]]:
    """A minimal valid bundle: header + rows per stem (canonical headers)."""
    return {
        "divisions": [
            ["43", "湖南省", "省", ""], ["4312", "怀化市", "市", "43"], ["431202", "鹤城区", "县", "4312"],
            ["431223", "辰溪县", "县", "4312"], ["431202101", "城北镇", "乡", "431202"],
            ["431202101001", "一村", "村", "431202101"], ["440306", "宝安区", "县", "4403"],
        ],
        "schools": [["4343000001", "鹤城一小", "431202", "小学"], ["4343000002", "辰溪一中", "431223", "初中"]],
        "hukou": [
            [CHILD_A, "张伟", "男", "2012-03-05", "汉族", "H001", "张三", "子", "431202101001", "正常"],
            [CHILD_B, "李娜", "女", "2014/7/11", "苗族", "H002", "李四", "女", "431202101001", "正常"],
        ],
        "xueji": [
            ["G" + CHILD_A, "张伟", "男", "20120305", CHILD_A, "4343000001", "六年级", "在读", "431202101001", "张三", "是"],
        ],
        "fupin": [[CHILD_B, "李娜", "女", "F001", "李四", "女", "431202101001", "一般贫困户"]],
        "canlian": [[CHILD_C + "12", "王强", "男", "肢体", "二级", "431202101001"]],
        "minzheng": [[CHILD_B, "李娜", "女", "农村低保", "李四", "431202101001"]],
        "zizhu": [["G" + CHILD_A, CHILD_A, "张伟", "生活补助", "500", "2025秋", "431202", "2025-10-01", "惠农一卡通"]],
        "contacts": [["C001", "赵老师", "13800000000", "鹤城一小", "包人", CHILD_B, "在岗"]],
        "visits": [["C001", CHILD_B, "2025-10-01", "入户"]],
    }


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


def write_bundle(
    root: Path,
    rows: dict[str, list[list]] | None = None,
    *,
    headers: dict[str, list[str]] | None = None,
    encodings: dict[str, str] | None = None,
    xlsx: tuple[str, ...] = (),
    manifest: dict | None = None,
) -> Path:
    rows = rows or base_rows()
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps(manifest or MANIFEST, ensure_ascii=False), encoding="utf-8")
    for stem, spec in FILES.items():
        header = (headers or {}).get(stem) or spec.headers
        if stem in xlsx:
            write_xlsx(root / f"{stem}.xlsx", header, rows.get(stem, []))
        else:
            write_csv(root / f"{stem}.csv", header, rows.get(stem, []), (encodings or {}).get(stem, "utf-8"))
    return root
