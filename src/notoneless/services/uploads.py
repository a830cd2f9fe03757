"""Bundles uploaded on the officer pages (本月数据, docs/web.md): who may upload which
bundle, unpacking a zip or a folder safely, keeping the bundle with its SHA-256, and
running it in the background as ``notoneless run`` does, with its progress on disk.

**The upload rule** (``upload_rule``):

- a 县级数据员 may upload a bundle of their own county: its manifest's province is their
  province, and the counties its ``divisions`` file covers (``bundle.coverage``: the run
  reconciles exactly those counties' cases) are, within the province, their county alone.
  Counties of other provinces may be listed (where children study or work elsewhere):
  nobody's ledger in this workspace lies there. Records of children registered elsewhere
  (a 学籍 in the county, a 户籍 outside it) are allowed: they are what the cross-county
  check is about, and a run never touches cases outside its coverage;
- a 省级管理员 may upload a bundle of their province (any counties of it);
- 乡镇专干, 学校 and 只读审计 may not upload.

Anything else is refused before anything runs, with the reason and what to do.

**Storage**: ``Settings.paths.uploads``/<upload id>/ holds ``bundle.zip`` (the zip as
uploaded, or, for a folder, a zip made of its files), ``bundle/`` (the files the run
reads), ``out/`` (the run's outputs), ``run.log`` (its console) and ``upload.json``
(who, when, the SHA-256 of the archive and of each file, the check's result, the run's
state and progress). An upload belongs to the uploader's division: only callers whose
division covers it, and who may upload, see or download it.

**Safety**: the upload is limited in size as it arrives (``Settings.web_upload_max_mb``,
checked by the page while it streams); a zip is refused when a member's name is absolute
or climbs out (``..``), is a link, is encrypted, nests folders, when it holds too many
members, when its members would unpack to more than ``web_upload_unpacked_max_mb`` or one
member compresses more than ``MAX_RATIO`` to 1 (a zip bomb) — checked on the declared
sizes first and again on the bytes actually unpacked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from rich.console import Console

from notoneless.access.users import Caller, Role
from notoneless.bundle.check import BundleCheck
from notoneless.config import Settings
from notoneless.errors import NotOneLessError

log = logging.getLogger("notoneless.uploads")

MAX_FILES = 100  # members of a zip, files of a folder
MAX_RATIO = 100  # uncompressed / compressed size of one zip member
_CHUNK = 1 << 20
_ID = re.compile(r"^UP-[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")
_META = "upload.json"
_INCOMING = ".incoming-"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # the made archive is the same bytes for the same files

STATE_LABELS = {"queued": "等待开始", "running": "比对中", "done": "已完成", "failed": "失败", "interrupted": "已中断"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # what the upload may send
    max_unpacked: int  # what a zip may unpack to

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(int(settings.web_upload_max_mb * 2**20), int(settings.web_upload_unpacked_max_mb * 2**20))


# --- who may upload what --------------------------------------------------------------


NOT_ALLOWED = "{role}不能上传数据包：由县级数据员上传本县的数据包，或由省级管理员上传。"


def may_upload(caller: Caller) -> bool:
    """The roles that upload bundles: a county's data officer, the province's administrator."""
    return caller.role in (Role.COUNTY, Role.PROVINCE)


def upload_rule(caller: Caller, check: BundleCheck, names: dict[str, str] | None = None) -> list[str]:
    """Why ``caller`` may not upload the checked bundle (empty: they may). ``names``: code → name."""
    names = names or {}

    def named(code: str) -> str:
        return f"{names[code]}（{code}）" if names.get(code) else code

    if not may_upload(caller):
        return [NOT_ALLOWED.format(role=caller.role.value)]
    province = caller.division[:2]
    out = []
    if check.manifest is not None and check.manifest.province_code != province:
        out.append(f"manifest.json 的省级区划代码是 {check.manifest.province_code}，您的辖区属于 {named(province)}："
                   "只能上传本省的数据包。")
    if caller.role is Role.COUNTY and "divisions" in check.rows:
        if not check.counties or caller.division not in check.counties:
            out.append(f"行政区划（divisions）中没有本县 {named(caller.division)}：无法确认这是本县的数据包；"
                       "请在 divisions 中列出本县及其乡镇、村。")
        others = sorted(c for c in check.counties or () if c.startswith(province) and c != caller.division)
        if others:
            out.append(f"行政区划（divisions）中有本省的其他县：{'、'.join(named(c) for c in others)}；"
                       "县级数据员只能上传本县的数据包（比对会更新所列各县的台账），"
                       "请删去其他县的区划后重新上传，或请省级管理员上传。")
    return out


# --- receiving the files --------------------------------------------------------------


def incoming(settings: Settings) -> Path:
    """A new folder for an upload on its way in (``finish`` names it, ``discard`` removes it)."""
    root = settings.paths.uploads
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{_INCOMING}{secrets.token_hex(8)}"
    folder.mkdir()
    (folder / "bundle").mkdir()
    return folder


def discard(folder: Path) -> None:
    if folder.name.startswith(_INCOMING):
        shutil.rmtree(folder, ignore_errors=True)


def _member_path(name: str) -> tuple[PurePosixPath | None, str | None]:
    """A member's relative path, or the reason it is refused."""
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return None, f"{name}：路径是绝对路径"
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None, f"{name}：路径含有“..”（指向压缩包以外）"
    return (PurePosixPath(*parts) if parts else None), None


def _skipped(path: PurePosixPath) -> bool:
    """Files a desktop adds to a folder or an archive (macOS metadata, hidden files)."""
    return path.parts[0] == "__MACOSX" or any(p.startswith(".") for p in path.parts) or path.name in ("Thumbs.db",)


def _flatten(paths: Iterable[PurePosixPath]) -> tuple[dict[PurePosixPath, str], list[str]]:
    """Each path → its file name in the bundle: the files at the top, or in one folder
    (a zipped folder, a folder chosen in the browser); deeper folders are refused."""
    paths = [p for p in paths if not _skipped(p)]
    tops = {p.parts[0] for p in paths if len(p.parts) > 1}
    strip = 1 if len(tops) == 1 and all(len(p.parts) > 1 for p in paths) else 0
    out: dict[PurePosixPath, str] = {}
    problems = []
    seen: dict[str, PurePosixPath] = {}
    for p in paths:
        rest = p.parts[strip:]
        if len(rest) != 1:
            problems.append(f"{p}：数据包的文件应放在同一层（manifest.json 与各系统文件在一起），不能再分子文件夹")
            continue
        if rest[0] in seen:
            problems.append(f"{p}：与 {seen[rest[0]]} 同名")
            continue
        seen[rest[0]] = p
        out[p] = rest[0]
    return out, problems


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names a Chinese Windows wrote in GBK without the UTF-8 flag are decoded as such."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack_zip(archive: Path, folder: Path, limits: Limits) -> list[str]:
    """Unpack ``archive`` into ``folder``/bundle after checking it (see the module's
    Safety); the problems (nothing is unpacked when there are any)."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        return ["上传的文件不是有效的 zip 压缩包：请重新压缩后上传，或直接上传数据包文件夹。"]
    with zf:
        problems: list[str] = []
        members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_FILES:
            return [f"压缩包中有 {len(infos)} 个文件，超过上限 {MAX_FILES} 个：数据包只需十个系统文件与 manifest.json。"]
        total = 0
        for info in infos:
            name = _zip_name(info)
            path, why = _member_path(name)
            if why:
                problems.append(why)
                continue
            if path is None:
                continue
            mode = info.external_attr >> 16
            if (mode & 0o170000) == 0o120000:
                problems.append(f"{name}：是符号链接，不能上传")
                continue
            if info.flag_bits & 0x1:
                problems.append(f"{name}：已加密；请上传未加密的压缩包")
                continue
            if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > _CHUNK:
                problems.append(f"{name}：压缩比异常（{info.compress_size:,} 字节解压为 {info.file_size:,} 字节），"
                                "疑似“压缩炸弹”，不予解压")
                continue
            total += info.file_size
            members.append((info, path))
        if total > limits.max_unpacked:
            problems.append(f"压缩包解压后共 {total / 2**20:.0f} MB，超过上限 {limits.max_unpacked / 2**20:.0f} MB。")
        names, flat_problems = _flatten(p for _, p in members)
        problems += flat_problems
        if problems:
            return problems
        written = 0
        for info, path in members:
            if path not in names:
                continue
            # zipfile stops at the declared size and then checks the CRC: a member whose
            # header understates it (a crafted bomb) ends as a bad CRC, never unpacked in full
            try:
                with zf.open(info) as src, open(folder / "bundle" / names[path], "wb") as dest:
                    got = 0
                    while chunk := src.read(_CHUNK):
                        got += len(chunk)
                        written += len(chunk)
                        if got > info.file_size or written > limits.max_unpacked:
                            raise zipfile.BadZipFile("larger than declared")
                        dest.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                _empty(folder / "bundle")
                return [f"{_zip_name(info)}：解压失败（内容与压缩包记录的大小或校验值不符，压缩包已损坏或被篡改）；"
                        "请重新压缩后上传。"]
    shutil.copyfile(archive, folder / "bundle.zip")
    return []


def _empty(folder: Path) -> None:
    for p in folder.iterdir():
        p.unlink()


def place_files(files: Iterable[tuple[str, Path]], folder: Path) -> list[str]:
    """The files of an uploaded folder (name as the browser sent it, where it is now) into
    ``folder``/bundle, and a zip of them as ``bundle.zip``; the problems."""
    files = list(files)
    if len(files) > MAX_FILES:
        return [f"文件夹中有 {len(files)} 个文件，超过上限 {MAX_FILES} 个：请只选数据包文件夹。"]
    paths: dict[PurePosixPath, Path] = {}
    problems = []
    for name, where in files:
        path, why = _member_path(name)
        if why:
            problems.append(why)
        elif path is not None:
            paths[path] = where
    names, flat_problems = _flatten(paths)
    problems += flat_problems
    if problems:
        return problems
    with zipfile.ZipFile(folder / "bundle.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, name in sorted(names.items(), key=lambda kv: kv[1]):
            shutil.move(paths[path], folder / "bundle" / name)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800
            with open(folder / "bundle" / name, "rb") as src, zf.open(info, "w") as dest:
                shutil.copyfileobj(src, dest, _CHUNK)
    return []


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# --- the record of an upload ----------------------------------------------------------


def new_upload_id() -> str:
    return "UP-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def finish(folder: Path, caller: Caller, check: BundleCheck, *, kind: str, original: str) -> dict[str, Any]:
    """Name the checked upload (its id), record it (``upload.json``) as waiting for its run; the record."""
    upload_id = new_upload_id()
    files = [{"name": p.name, "size": p.stat().st_size, "sha256": sha256_of(p)}
             for p in sorted((folder / "bundle").iterdir()) if p.is_file()]
    archive = folder / "bundle.zip"
    meta = {
        "upload_id": upload_id, "division": caller.division, "by": caller.name, "user_id": caller.user_id,
        "role": caller.role.value, "at": datetime.now(UTC).isoformat(timespec="seconds"), "kind": kind,
        "original": Path(original or "bundle").name[:120], "sha256": sha256_of(archive), "size": archive.stat().st_size,
        "files": files, "counties": sorted(check.counties or ()), "names": check.names, "rows": check.rows,
        "warnings": check.warnings,
        "name": check.manifest.name if check.manifest else None, "term": check.manifest.term if check.manifest else None,
        "state": "queued", "run_id": None, "message": None, "stages": [], "status": None, "pid": os.getpid(),
    }
    _write(folder, meta)
    final = folder.parent / upload_id
    folder.rename(final)
    return meta


def _write(folder: Path, meta: dict[str, Any]) -> None:
    meta["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    tmp = folder / f".{_META}.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / _META)  # a reader sees the old record or the new one, never half of one


def _read(folder: Path) -> dict[str, Any] | None:
    try:
        meta: dict[str, Any] = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("state") in ("queued", "running") and not _alive(meta.get("pid")):
        meta["state"] = "interrupted"  # the server stopped under it: the run did not finish (marked 中断 by the next)
        meta["message"] = "服务在比对过程中停止，本次比对未完成、未生效；请重新上传或在命令行运行 notoneless run。"
    return meta


def _alive(pid: object) -> bool:
    try:
        os.kill(int(str(pid)), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True


def visible(caller: Caller, meta: dict[str, Any]) -> bool:
    """Whether ``caller`` may see (and download) an upload: one who may upload, of a
    division that covers the uploader's."""
    return may_upload(caller) and str(meta.get("division", "")).startswith(caller.division)


def get_upload(settings: Settings, upload_id: str, caller: Caller) -> tuple[dict[str, Any], Path] | None:
    """The upload's record and folder, or None when there is none or ``caller`` may not see it."""
    if not _ID.match(upload_id):
        return None
    folder = settings.paths.uploads / upload_id
    meta = _read(folder)
    if meta is None or not visible(caller, meta):
        return None
    return meta, folder


def list_uploads(settings: Settings, caller: Caller) -> list[dict[str, Any]]:
    """The uploads ``caller`` may see, newest first."""
    root = settings.paths.uploads
    if not may_upload(caller) or not root.is_dir():
        return []
    metas = (_read(p) for p in root.iterdir() if _ID.match(p.name))
    return sorted((m for m in metas if m and visible(caller, m)), key=lambda m: m["upload_id"], reverse=True)


def run_of(settings: Settings, run_id: str) -> dict[str, Any] | None:
    """The upload whose run is ``run_id`` (None for a run from the command line)."""
    root = settings.paths.uploads
    if not root.is_dir():
        return None
    for p in root.iterdir():
        if _ID.match(p.name):
            meta = _read(p)
            if meta and meta.get("run_id") == run_id:
                return meta
    return None


# --- the run ----------------------------------------------------------------------------


class _Progress:
    """``run_bundle``'s on_progress: the run's id, its stages and live line into ``upload.json``
    (live lines at most every half second; every stage change at once)."""

    def __init__(self, folder: Path, meta: dict[str, Any], clock: Callable[[], float]) -> None:
        self.folder, self.meta, self.clock, self.last = folder, meta, clock, 0.0

    def __call__(self, event: dict[str, Any]) -> None:
        meta = self.meta
        meta["run_id"] = event.get("run_id") or meta.get("run_id")
        if event["event"] == "start":
            meta["state"] = "running"
        elif event["event"] == "stage":
            stages = [s for s in meta["stages"] if s["stage"] != event["stage"]]
            stages.append({k: event.get(k) for k in ("stage", "label", "state", "seconds", "note")})
            meta["stages"], meta["status"] = stages, None
        elif event["event"] == "status":
            meta["status"] = event.get("message")
            if self.clock() - self.last < 0.5:
                return
        self.last = self.clock()
        _write(self.folder, meta)


def start_run(settings: Settings, upload_id: str, open_graph: Callable[[Settings], Any]) -> threading.Thread:
    """Run the upload's bundle in a thread of this process (``run_bundle``, the workspace
    lock included: a run already going refuses this one with its own message). The
    outcome goes into ``upload.json``: done (with the run id) or failed (one line why)."""
    import time

    from notoneless.run import run_bundle

    folder = settings.paths.uploads / upload_id
    meta = _read(folder)
    assert meta is not None, upload_id
    progress = _Progress(folder, meta, time.monotonic)

    def work() -> None:
        with open(folder / "run.log", "w", encoding="utf-8") as log_file:
            console = Console(file=log_file, width=120, force_terminal=False, color_system=None)
            try:
                report = run_bundle(folder / "bundle", folder / "out", settings, console=console,
                                    open_graph=open_graph, on_progress=progress)
                meta.update(state="done", run_id=report.run_id, status=None, cases=report.cases,
                            findings=report.findings, rejects=report.rejects, persons=report.persons)
            except NotOneLessError as exc:
                meta.update(state="failed", status=None, message=str(exc).strip().splitlines()[0])
            except Exception as exc:
                log.exception("the run of upload %s failed", upload_id)
                console.print_exception()
                meta.update(state="failed", status=None,
                            message=f"比对出错（{type(exc).__name__}），本次比对未生效；请把上传编号 {upload_id} 告知系统管理员"
                                    "（运行日志在工作区 uploads 目录）。")
            finally:
                _write(folder, meta)

    thread = threading.Thread(target=work, name=f"run-{upload_id}", daemon=True)
    thread.start()
    return thread
