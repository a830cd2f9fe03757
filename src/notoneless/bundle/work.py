"""The working database of one ingest, shared by the threads that fill it.

Reading a bundle is a few dozen DuckDB statements and some Python (the normalisers
of the values SQL does not cover). One statement on the demo's tables runs on one
core: DuckDB splits a scan by row groups of 122,880 rows and the person files have
one or two each. So the independent steps (the ten files, the value maps, the six
person files …) run side by side, on as many threads as DuckDB may use; and while
one thread runs Python (which holds the GIL) another runs SQL (which does not).
Inside the block DuckDB itself runs each statement on the calling thread only
(``threads = 1``, put back afterwards): its own workers found little to split and,
on top of two statements at once, cost the demo ~12% more CPU and ~10% more time.

DuckDB TEMP tables belong to one connection, so the tables that the steps pass to
each other (raw rows, value maps, working rows) live in an in-memory database
attached as ``_nol_ingest`` and are created as ``shared("name")``; each thread has
its own cursor whose search path finds them, and the workspace's tables, by their
plain names. A step's scratch tables stay TEMP (private to its cursor). Leaving the
``with`` block detaches the working database, so only the workspace tables remain.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import duckdb
import pyarrow as pa

WORK_DB = "_nol_ingest"

T = TypeVar("T")
Task = Callable[[duckdb.DuckDBPyConnection], T]


def shared(name: str) -> str:
    """The qualified name of a working table that other threads read."""
    return f"{WORK_DB}.{name}"


def from_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Table ``name`` with the rows of an Arrow table: a TEMP table of this cursor,
    or a working table when ``name`` is ``shared(…)``."""
    view = "_arrow_" + name.replace(".", "_")
    con.register(view, table)
    try:
        temp = "" if name.startswith(WORK_DB + ".") else "TEMP "
        con.execute(f"CREATE OR REPLACE {temp}TABLE {name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)


class Work:
    """``with Work(con) as work``: the working database attached to ``con``'s
    database, a cursor per thread, and ``run`` to execute steps side by side."""

    def __init__(self, con: duckdb.DuckDBPyConnection, threads: int | None = None) -> None:
        self.con = con
        self._duckdb_threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
        self.threads = max(1, threads if threads is not None else self._duckdb_threads)
        self._free: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> Work:
        db, schema = self.con.execute("SELECT current_database(), current_schema()").fetchone()
        try:
            self.con.execute("SET threads = 1")
            self.con.execute(f"DETACH DATABASE IF EXISTS {WORK_DB}")
            self.con.execute(f"ATTACH ':memory:' AS {WORK_DB}")
            path = f'"{db}"."{schema}",{WORK_DB}.main'.replace("'", "''")
            for _ in range(self.threads + 1):  # one per pool thread, one for the calling thread
                cur = self.con.cursor()
                self._cursors.append(cur)
                cur.execute(f"SET search_path = '{path}'")
                self._free.put(cur)
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ingest", initializer=self._take_cursor)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for cur in self._cursors:
            cur.close()
        self.con.execute(f"DETACH DATABASE IF EXISTS {WORK_DB}")
        self.con.execute("SET threads = ?", [self._duckdb_threads])

    def _take_cursor(self) -> None:
        self._local.cur = self._free.get_nowait()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor."""
        if getattr(self._local, "cur", None) is None:
            self._take_cursor()
        return self._local.cur

    def submit(self, task: Task[T]) -> Future[T]:
        """Queue a task for the pool; it runs with its thread's cursor. A task may wait
        for tasks submitted before it (the pool takes them in order, so one of those is
        running or done), never for later ones."""
        assert self._pool is not None, "Work used outside its with block"
        return self._pool.submit(lambda: task(self.cursor()))

    def run(self, tasks: Sequence[Task[T]]) -> list[T]:
        """Run the tasks on the pool, their results in the given order. The first task
        (in that order) that failed raises its exception, once all have finished (no
        step may still be writing when the working database is detached)."""
        futures = [self.submit(t) for t in tasks]
        for f in futures:
            f.exception()
        return [f.result() for f in futures]


__all__ = ["WORK_DB", "Work", "from_arrow", "shared"]
