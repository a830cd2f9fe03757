"""Uploaded bundles (services/uploads.py, bundle/check.py): a zip is refused when a member
climbs out (``..``, an absolute path), is a link, nests folders, or unpacks far beyond its
size (a zip bomb, by its declared sizes or by the bytes it really gives); a folder's files
are laid flat and zipped as the kept archive; the check lists every problem of a bundle at
once; the upload rule (a county's officer: their county alone within the province)."""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from notoneless.access.users import Caller, Role
from notoneless.bundle.check import check_bundle
from notoneless.services import uploads

HANDMADE = Path(__file__).parent / "fixtures" / "handmade_bundle"
LIMITS = uploads.Limits(max_bytes=10 * 2**20, max_unpacked=50 * 2**20)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    (folder / "bundle").mkdir(parents=True)
    return folder


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _bundle_members(prefix: str = "") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in sorted(HANDMADE.iterdir()) if p.is_file()}


@pytest.mark.parametrize("evil", ["../escape.csv", "/etc/escape.csv", "bundle/../../escape.csv", "C:/escape.csv",
                                  "..\\escape.csv"])
def test_a_zip_member_that_climbs_out_is_refused_and_nothing_is_unpacked(tmp_path, evil) -> None:
    folder = _folder(tmp_path)
    archive = _zip(tmp_path / "a.zip", {**_bundle_members(), evil: b"x"})
    problems = uploads.unpack_zip(archive, folder, LIMITS)
    assert problems and evil in problems[0]
    assert list((folder / "bundle").iterdir()) == []
    assert not (tmp_path / "escape.csv").exists() and not (folder / "bundle.zip").exists()


def test_a_symlink_in_a_zip_is_refused(tmp_path) -> None:
    info = zipfile.ZipInfo("manifest.json")
    info.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(tmp_path / "l.zip", "w") as zf:
        zf.writestr(info, "/etc/passwd")
    problems = uploads.unpack_zip(tmp_path / "l.zip", _folder(tmp_path), LIMITS)
    assert problems == ["manifest.json：是符号链接，不能上传"]


def test_a_zip_bomb_is_refused_by_its_ratio_before_anything_is_unpacked(tmp_path) -> None:
    folder = _folder(tmp_path)
    archive = _zip(tmp_path / "bomb.zip", {"hukou.csv": b"0" * (20 * 2**20)})  # 20 MiB of zeros: ~1000 to 1
    problems = uploads.unpack_zip(archive, folder, LIMITS)
    assert len(problems) == 1 and "压缩炸弹" in problems[0]
    assert list((folder / "bundle").iterdir()) == []


def test_a_zip_that_unpacks_beyond_the_limit_is_refused(tmp_path) -> None:
    import os

    archive = _zip(tmp_path / "big.zip", {"a.csv": os.urandom(3 * 2**20), "b.csv": os.urandom(3 * 2**20)})
    problems = uploads.unpack_zip(archive, _folder(tmp_path), uploads.Limits(10 * 2**20, 5 * 2**20))
    assert problems == ["压缩包解压后共 6 MB，超过上限 5 MB。"]


def test_a_zip_whose_header_understates_a_member_is_stopped_while_unpacking(tmp_path) -> None:
    """A member that gives more bytes than its header declares (a crafted bomb) stops the unpacking.

    The local header and the central directory both declare 1,000 bytes for a member
    whose data inflates to 2 MiB: at most the declared bytes are read, and the member is
    refused (its CRC does not match), with nothing left unpacked."""
    archive = _zip(tmp_path / "liar.zip", {"hukou.csv": b"1,2,3\n" * (2**21 // 6)})
    data = bytearray(archive.read_bytes())
    real = 2**21 // 6 * 6
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size fields
        at = data.find(sig)
        assert struct.unpack_from("<I", data, at + offset)[0] == real
        struct.pack_into("<I", data, at + offset, 1000)
    archive.write_bytes(bytes(data))
    folder = _folder(tmp_path)
    problems = uploads.unpack_zip(archive, folder, LIMITS)
    assert problems == ["hukou.csv：解压失败（内容与压缩包记录的大小或校验值不符，压缩包已损坏或被篡改）；请重新压缩后上传。"]
    assert not (folder / "bundle.zip").exists() and list((folder / "bundle").iterdir()) == []


def test_nested_folders_are_refused_and_one_top_folder_is_laid_flat(tmp_path) -> None:
    nested = _zip(tmp_path / "n.zip", {**_bundle_members("b/"), "b/more/extra.csv": b"x"})
    problems = uploads.unpack_zip(nested, _folder(tmp_path), LIMITS)
    assert problems == ["b/more/extra.csv：数据包的文件应放在同一层（manifest.json 与各系统文件在一起），不能再分子文件夹"]
    folder = tmp_path / "ok"
    (folder / "bundle").mkdir(parents=True)
    members = {**_bundle_members("怀化 2025秋/"), "__MACOSX/._hukou.csv": b"x", "怀化 2025秋/.DS_Store": b"x"}
    assert uploads.unpack_zip(_zip(tmp_path / "ok.zip", members), folder, LIMITS) == []
    assert sorted(p.name for p in (folder / "bundle").iterdir()) == sorted(n.split("/")[1] for n in _bundle_members("x/"))
    assert (folder / "bundle.zip").read_bytes() == (tmp_path / "ok.zip").read_bytes()  # the zip as uploaded


def test_a_windows_zip_with_gbk_names_is_read(tmp_path) -> None:
    archive = tmp_path / "gbk.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in _bundle_members("鹤城区/").items():
            info = zipfile.ZipInfo(name.encode("gbk").decode("cp437"))  # what a Chinese Windows writes: no UTF-8 flag
            zf.writestr(info, data)
    folder = _folder(tmp_path)
    assert uploads.unpack_zip(archive, folder, LIMITS) == []
    assert (folder / "bundle" / "hukou.csv").is_file()


def test_a_folders_files_are_laid_flat_and_zipped_the_same_each_time(tmp_path) -> None:
    def upload(where: Path) -> bytes:
        parts = where / "parts"
        parts.mkdir(parents=True)
        files = []
        for i, p in enumerate(sorted(HANDMADE.iterdir())):
            if p.is_file():
                shutil.copy(p, parts / str(i))
                files.append((f"本月/{p.name}", parts / str(i)))
        folder = where / "incoming"
        (folder / "bundle").mkdir(parents=True)
        assert uploads.place_files(files, folder) == []
        assert (folder / "bundle" / "manifest.json").read_bytes() == (HANDMADE / "manifest.json").read_bytes()
        return (folder / "bundle.zip").read_bytes()

    assert upload(tmp_path / "one") == upload(tmp_path / "two")
    assert sorted(zipfile.ZipFile(tmp_path / "one" / "incoming" / "bundle.zip").namelist()) == \
        sorted(p.name for p in HANDMADE.iterdir() if p.is_file())


def test_the_check_lists_every_problem_at_once(tmp_path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(HANDMADE, bad, ignore=shutil.ignore_patterns("expected", "README.md"))
    (bad / "zizhu.csv").unlink()
    text = (bad / "xueji.csv").read_text(encoding="utf-8-sig").split("\n", 1)
    (bad / "xueji.csv").write_text(text[0].replace("姓名", "名字X").replace("学籍号", "编号X") + "\n" + text[1],
                                   encoding="utf-8")
    (bad / "manifest.json").write_text('{"name": "x", "province_code": "4", "term": "2025"}', encoding="utf-8")
    (bad / "visits.csv").write_bytes("\ufeff走访".encode("utf-16"))
    check = check_bundle(bad)
    joined = "\n".join(check.problems)
    assert len(check.problems) == 4, joined
    assert "province_code" in joined and "term" in joined and "reference_date" in joined  # every manifest field
    assert "zizhu.csv" in joined
    assert "xueji.csv 缺少必需列「学籍号」" in joined and "「姓名」" in joined  # both columns, one line
    assert "visits.csv 的编码不受支持" in joined
    assert str(bad) not in joined  # no server path in what the officer reads
    ok = check_bundle(HANDMADE)
    assert ok.ok and ok.counties == {"431224", "431226", "440306"} and ok.names["431224"] == "溆浦县"


def _caller(role: Role, division: str) -> Caller:
    return Caller(name="x", role=role, division=division, user_id="U-x")


def test_the_upload_rule() -> None:
    check = check_bundle(HANDMADE)  # covers 431224 and 431226 (and 440306, outside the province)
    county = uploads.upload_rule(_caller(Role.COUNTY, "431224"), check, check.names)
    assert county == ["行政区划（divisions）中有本省的其他县：麻阳苗族自治县（431226）；县级数据员只能上传本县的数据包"
                      "（比对会更新所列各县的台账），请删去其他县的区划后重新上传，或请省级管理员上传。"]
    assert uploads.upload_rule(_caller(Role.PROVINCE, "43"), check) == []
    assert "省级区划代码是 43" in uploads.upload_rule(_caller(Role.PROVINCE, "44"), check)[0]
    for role, division in ((Role.TOWN, "431224101"), (Role.AUDITOR, "431224"), (Role.SCHOOL, "4343000001")):
        assert uploads.upload_rule(_caller(role, division), check) == [uploads.NOT_ALLOWED.format(role=role.value)]
