"""``manifest.json`` of a bundle (contract §1): name, province, term, reference date."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from notoneless.bundle.encoding import decode_bytes  # one encoding detector for every file
from notoneless.errors import BundleError

_FIELD_HELP = {
    "name": "比对名称（文本）",
    "province_code": "省级区划代码，2 位数字，如 43",
    "term": "学期，格式 YYYY春 或 YYYY秋，如 2025秋",
    "reference_date": "比对基准日，格式 YYYY-MM-DD",
}


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    province_code: str
    term: str
    reference_date: date

    @field_validator("province_code", mode="before")
    @classmethod
    def _province(cls, v: object) -> str:
        s = str(v).strip()
        if not re.fullmatch(r"\d{2}", s):
            raise ValueError("must be 2 digits")
        return s

    @field_validator("term", mode="before")
    @classmethod
    def _term(cls, v: object) -> str:
        s = re.sub(r"\s+", "", str(v))
        if not re.fullmatch(r"\d{4}[春秋]", s):
            raise ValueError("must be YYYY春 or YYYY秋")
        return s

    @property
    def school_year_start(self) -> date:
        """秋 → YYYY-09-01; 春 → (YYYY-1)-09-01 (contract §1)."""
        year = int(self.term[:4])
        return date(year if self.term[4] == "秋" else year - 1, 9, 1)


def load_manifest(bundle_dir: Path) -> Manifest:
    """Read and check ``bundle_dir/manifest.json``; BundleError names the bad field."""
    path = bundle_dir / "manifest.json"
    if not path.is_file():
        raise BundleError(f"数据包缺少 manifest.json：{path}；请放入 manifest.json（含 name、province_code、term、reference_date）")
    try:
        text, _ = decode_bytes(path.read_bytes(), path.name)
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(f"manifest.json 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）；请修正后重试") from exc
    if not isinstance(data, dict):
        raise BundleError("manifest.json 应为一个 JSON 对象，如 {\"name\": …, \"province_code\": \"43\", …}")
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        parts = []  # every bad field, in one message
        for err in exc.errors():
            fld = str(err["loc"][0]) if err["loc"] else "?"
            msg = "缺少该字段" if err["type"] == "missing" else f"值 {data.get(fld, '缺失')!r} 无效"
            parts.append(f"字段 {fld}：{msg}；应为{_FIELD_HELP.get(fld, '')}")
        raise BundleError("manifest.json " + "；".join(parts)) from exc
