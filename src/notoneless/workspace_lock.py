"""One run at a time per workspace: an exclusive lock on ``<workspace>/run.lock``.

Two runs on one workspace corrupted each other (issue 18): the second died on DuckDB's
file lock, or both wrote the graph and each deleted the other's data as stale. So
``notoneless run`` holds this lock from before it touches the workspace until it has
finished, and starting or stopping the local server holds it while it does so.

The lock is ``fcntl.flock`` on the file: the kernel releases it when its holder exits,
however it exits (``kill -9`` included), so a crashed run never leaves the workspace
locked. While holding it, the holder writes who it is into the file (what, run id,
start time, PID); whoever finds the lock taken reads that and says it in one Chinese
line (``WorkspaceBusy``). Within one thread the lock is re-entrant (a run starts the
local server under its own lock); another thread or process is refused.

A holder that ends normally empties the file; one that was killed leaves its line
there. The next holder is given that line (``workspace_lock`` yields it: {} after a
clean end), so that a run can tell the debris of a killed run from a lost ledger.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from notoneless.errors import WorkspaceBusy
from notoneless.localtime import shown

LOCK_FILE = "run.lock"

_held = threading.local()  # .depth: {lock path: depth} of this thread


WHAT_ZH = {"run": "比对", "graph start": "启动本地图数据库", "graph stop": "停止本地图数据库", "backup": "备份",
           "restore": "恢复"}


def holder(path: Path) -> dict[str, object]:
    """Who holds (or last held) the lock at ``path``: what, run_id, started_at, pid; {} if unknown."""
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def busy_message(workspace: Path, info: dict[str, object]) -> str:
    what = WHAT_ZH.get(str(info.get("what")), "另一个操作")
    parts = []
    if info.get("run_id"):
        parts.append(f"运行编号 {info['run_id']}")
    if info.get("started_at"):
        parts.append(f"开始于 {shown(str(info['started_at']))}")
    if info.get("pid"):
        parts.append(f"进程 {info['pid']}")
    who = f"（{'，'.join(parts)}）" if parts else ""
    return f"工作区 {workspace} 正在进行{what}{who}；同一工作区一次只能运行一个比对，请等它结束后重试"


def busy(workspace: Path) -> str | None:
    """The busy message (``busy_message``) when another holder has the workspace's lock
    now, else None. Only looks: takes the lock for an instant without writing to the file,
    so that what a killed holder left there stays for the next real holder."""
    path = (Path(workspace) / LOCK_FILE).resolve()
    if getattr(_held, "depth", {}).get(str(path)):
        return None  # this thread holds it
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return busy_message(Path(workspace), holder(path))
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def workspace_lock(
    workspace: Path, what: str, *, run_id: str | None = None, wait_s: float = 0.0,
) -> Iterator[dict[str, object]]:
    """Hold the workspace's lock for ``what`` (``run``, ``graph start``, ``graph stop``).

    Busy: wait up to ``wait_s`` seconds for it (0: do not wait), then raise
    ``WorkspaceBusy`` naming the holder. Re-entrant within one thread. Yields what a
    killed earlier holder left in the file ({} when the last one ended normally).
    """
    workspace = Path(workspace)
    path = (workspace / LOCK_FILE).resolve()
    depth: dict[str, int] = getattr(_held, "depth", None) or {}
    _held.depth = depth
    key = str(path)
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WorkspaceBusy(busy_message(workspace, holder(path))) from None
                time.sleep(0.2)
        left = holder(path)  # non-empty only when the last holder was killed
        info = {"what": what, "run_id": run_id, "pid": os.getpid(),
                "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"), 0)
        depth[key] = 1
        try:
            yield left
        finally:
            depth.pop(key, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


__all__ = ["LOCK_FILE", "WorkspaceBusy", "busy", "busy_message", "holder", "workspace_lock"]
