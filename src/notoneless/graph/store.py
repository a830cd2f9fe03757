"""The graph store: the one module that talks to Neo4j (the official ``neo4j`` driver, Bolt).

Every statement is a named query, a file under ``graph_schema/queries/`` (see
``graph_schema/README.md``, "Query files"); values always travel as parameters.
Writes go in ``UNWIND $rows`` batches, each batch one managed transaction that the
driver retries on transient errors (deadlocks, leader switches, lost connections).

    with open_graph(settings) as graph:
        graph.init_schema()
        graph.write_rows("load/persons", rows)
        graph.query("checks/unmatched_children", county="522631")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from neo4j import READ_ACCESS, Driver, GraphDatabase, ManagedTransaction, Query, Session
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from notoneless.config import Settings, require_workspace
from notoneless.errors import ConfigError, GraphError
from notoneless.graph import cypher_files, server

T = TypeVar("T")
# The label of a schema statement (``FOR (n:Label)``): init_schema applies each label's in its own transaction.
_SCHEMA_LABEL = re.compile(r"FOR\s*\(\s*\w+\s*:\s*(?P<label>\w+)\s*\)")
# A schema statement's name: CREATE CONSTRAINT <name> …, CREATE [<kind>] INDEX <name> …
_SCHEMA_NAME = re.compile(
    r"^\s*CREATE\s+(?:(?P<constraint>CONSTRAINT)|(?:\w+\s+)?INDEX)\s+(?P<name>\w+)\s+IF\s+NOT\s+EXISTS",
    re.IGNORECASE | re.MULTILINE)
SCHEMA_SESSIONS = 3  # schema transactions at once (their index populations run side by side)
# Rows a write must reach before its writer calls replan(): a few new entries cannot make a
# plan badly wrong (scanning a small index costs little), and each call empties the query
# cache (the test suite's small runs took ~15 % longer with a call after each).
REPLAN_MIN_ROWS = 1_000

__all__ = ["GraphStore", "ManagedTransaction", "open_graph"]


def _graph_error(exc: Exception, doing: str, store: GraphStore | None = None) -> GraphError:
    if isinstance(exc, (ServiceUnavailable, SessionExpired)):  # the server went away mid-work
        return GraphError(unreachable_message(store.uri if store else "", local=bool(store and store.local)))
    if isinstance(exc, Neo4jError):
        detail = f"{exc.code}: {exc.message}"
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return GraphError(f"Neo4j failed while {doing} ({' '.join(detail.split())[:500]})")


def unreachable_message(uri: str, *, local: bool) -> str:
    """One Chinese line with the next step, for a server that cannot be reached."""
    if local:
        return "本地图数据库已停止：请运行 notoneless graph start 后重试"
    return (f"无法连接图数据库 {uri}：本地图数据库请运行 notoneless graph start 后重试；"
            "自有服务器请检查其是否运行及 NOTONELESS_GRAPH_URI")


class GraphStore:
    """Sessions from one driver, named queries, batched writes."""

    def __init__(
        self,
        driver: Driver,
        uri: str,
        database: str | None,
        batch_size: int,
        schema_dir: Path,
        query_dirs: Sequence[Path] = (),
    ) -> None:
        self._driver = driver
        self.uri = uri
        self.local = False  # the project's own local server (open_graph sets it): errors name `graph start`
        self.database = database
        self.batch_size = batch_size
        self.schema_dir = schema_dir
        # Named queries are looked up here, in order; the project's own come first.
        self.query_dirs: tuple[Path, ...] = (schema_dir / "queries", *query_dirs)

    @classmethod
    def connect(
        cls,
        uri: str,
        user: str,
        password: str,
        database: str | None = None,
        *,
        batch_size: int = 10_000,
        schema_dir: Path | None = None,
        query_dirs: Sequence[Path] = (),
    ) -> GraphStore:
        """Connect and check the credentials (raises GraphError, caused by the driver's error).

        ``schema_dir``: the ``graph_schema/`` folder (default: the repository's);
        ``query_dirs``: more folders of named queries after ``<schema_dir>/queries``
        (benchmarks and tests keep their own there)."""
        try:
            # Notifications off for the work itself: on a graph where, say, no decision was
            # ever made, Neo4j warns "property does not exist" on every trail read, which
            # costs the server and the driver CPU per request and says nothing new. The
            # query files are checked for notifications by the tests (notifications_for,
            # which asks for them per session).
            driver = GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF")
        except (DriverError, ValueError) as exc:
            raise GraphError(f"Cannot use the graph URI {uri!r} ({exc}): check NOTONELESS_GRAPH_URI.") from exc
        try:
            driver.verify_connectivity()
        except AuthError as exc:
            driver.close()
            raise GraphError(
                f"Neo4j at {uri} refused the credentials of user {user!r}: check NOTONELESS_GRAPH_USER and "
                "NOTONELESS_GRAPH_PASSWORD (the local server keeps its own in <workspace>/neo4j/password)."
            ) from exc
        except (ServiceUnavailable, DriverError, Neo4jError, OSError) as exc:
            driver.close()
            raise GraphError(unreachable_message(uri, local=False)) from exc
        return cls(driver, uri, database, batch_size, schema_dir or cypher_files.default_schema_dir(), query_dirs)

    def reconnect(self, uri: str, user: str, password: str) -> None:
        """Talk to the server at ``uri`` from now on, through a new driver (the old one is
        closed): after the local server restarted (graph/bulk_import.py), maybe on another port."""
        fresh = GraphStore.connect(uri, user, password, self.database, batch_size=self.batch_size,
                                   schema_dir=self.schema_dir)
        old, self._driver, self.uri = self._driver, fresh._driver, uri
        old.close()

    # --- named queries -------------------------------------------------------------

    def cypher(self, name: str) -> str:
        """The text of ``graph_schema/queries/<name>.cypher``, e.g. ``checks/unmatched_children``."""
        return cypher_files.query_text(self.query_dirs, name)

    def query(self, name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a named query in one managed transaction; the records as dicts."""
        text = self.cypher(name)
        try:
            records, _, _ = self._driver.execute_query(Query(text), parameters_=params, database_=self.database)
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, f"running {name}", self) from exc
        return [record.data() for record in records]

    def read(self, name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a named read query as one auto-commit transaction; the records as dicts.

        The cheapest round trip, for the API's per-request reads: no BEGIN/COMMIT
        messages, routed to a reader in a cluster, ordered after every write of the store
        (one bookmark manager, ``_session``) — about 40% less driver CPU than ``query``. Not
        retried: a failure reaches the caller (the API answers 503). Records are taken
        as they come, so the query returns maps and values (``p {.*}``), not nodes or
        relationships (``query`` turns those into dicts)."""
        text = self.cypher(name)
        try:
            with self._session(default_access_mode=READ_ACCESS) as session:
                return [dict(record) for record in session.run(Query(text), params)]
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, f"running {name}", self) from exc

    def stream(self, name: str, /, **params: Any) -> Iterator[dict[str, Any]]:
        """Run a named read query in one read transaction and yield its records one by
        one as they arrive (values as the driver gives them: Neo4j's temporal types kept),
        for reads too large to hold in memory at once (``notoneless backup``)."""
        text = self.cypher(name)
        try:
            with self._session(default_access_mode=READ_ACCESS) as session, session.begin_transaction() as tx:
                for record in tx.run(text, params):  # a transaction takes the text (Query: session.run only)
                    yield dict(record)
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, f"running {name}", self) from exc

    def write_rows(
        self,
        name: str,
        rows: Iterable[dict[str, Any]],
        *,
        batch_size: int | None = None,
        on_batch: Callable[[int], None] | None = None,
        workers: int = 1,
    ) -> int:
        """Write ``rows`` with the named query (which reads them as ``UNWIND $rows``), in batches.

        Each batch is one transaction, retried by the driver on transient errors.
        ``on_batch(n)`` is called with the number of rows of each batch written.
        ``workers > 1`` writes that many batches at once, each in its own session: give
        rows ordered so that batches touch mostly disjoint nodes (e.g. sorted by village),
        otherwise the writers wait on each other's locks (still correct: a deadlock is a
        transient error and its batch is retried). Returns the number of rows written.
        """
        text = self.cypher(name)
        if "rows" not in cypher_files.parameter_names(text):
            raise GraphError(f"Query {name} does not read $rows, so write_rows cannot feed it: use query().")
        size = batch_size or self.batch_size
        batches = _batches(rows, size)

        def write(batch: list[dict[str, Any]]) -> int:
            with self._session() as session:
                session.execute_write(lambda tx: tx.run(text, rows=batch).consume())
            return len(batch)

        written = 0
        try:
            if workers <= 1:
                for batch in batches:
                    written += write(batch)
                    if on_batch:
                        on_batch(len(batch))
                return written
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="graph-write") as pool:
                pending: set[Future[int]] = set()
                for batch in batches:
                    if len(pending) >= 2 * workers:
                        written += _collect(pending, on_batch)
                    pending.add(pool.submit(write, batch))
                while pending:
                    written += _collect(pending, on_batch)
            return written
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, f"writing rows with {name} after {written} rows", self) from exc

    def execute_write(self, fn: Callable[[ManagedTransaction], T]) -> T:
        """Run ``fn(tx)`` in one write transaction (retried on transient errors, so keep it
        free of side effects outside the graph). Inside, use ``tx.run(store.cypher(name), params)``."""
        try:
            with self._session() as session:
                return session.execute_write(fn)
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, "running a write transaction", self) from exc

    def execute_read(self, fn: Callable[[ManagedTransaction], T]) -> T:
        """Run ``fn(tx)`` in one read transaction."""
        try:
            with self._session() as session:
                return session.execute_read(fn)
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, "running a read transaction", self) from exc

    # --- schema and housekeeping -----------------------------------------------------

    def init_schema(self) -> None:
        """Apply ``constraints.cypher`` then ``indexes.cypher`` (idempotent: IF NOT EXISTS) in
        ``SCHEMA_SESSIONS`` transactions at once, then wait until every index is online.

        Neo4j populates the indexes one transaction creates together, but its uniqueness
        constraints one after another, each over its label's nodes; a statement takes its
        label's lock. So the labels are dealt out to the transactions by their nodes (the
        largest first, each to the transaction with the fewest so far): no two transactions
        share a label, and the populations run side by side. On the server just started on the
        offline import of 1M records (benchmarks/first_load.py's schema phase): one statement
        per transaction 24-33 s, all in one transaction 19 s, this 13-15 s.

        A statement whose constraint or index the graph already has, by name
        (``store/constraint_names``, ``store/index_names``), is not sent: IF NOT EXISTS would
        make it a no-op, but every run starts here, and on a server just started each no-op is
        planned (46 statements, the 1M workspace's server just started: 0.97-1.17 s, now 0.31-0.37 s)."""
        have = {"constraint": {r["name"] for r in self.query("store/constraint_names")},
                "index": {r["name"] for r in self.query("store/index_names")}}

        def missing(statement: cypher_files.CypherStatement) -> bool:
            found = _SCHEMA_NAME.search(statement.text)
            return found is None or found["name"] not in have["constraint" if found["constraint"] else "index"]

        statements = [statement for file_name in cypher_files.SCHEMA_FILES
                      if (self.schema_dir / file_name).is_file()
                      for statement in cypher_files.read_statements(self.schema_dir / file_name)
                      if missing(statement)]

        def label(statement: cypher_files.CypherStatement) -> str:
            found = _SCHEMA_LABEL.search(statement.text)
            return found["label"] if found else ""

        nodes = self.node_counts() if statements else {}
        bins: list[tuple[int, set[str]]] = [(0, set()) for _ in range(SCHEMA_SESSIONS)]
        for name in sorted({label(s) for s in statements}, key=lambda n: (-nodes.get(n, 0), n)):
            i = min(range(len(bins)), key=lambda b: bins[b][0])
            bins[i] = (bins[i][0] + nodes.get(name, 0), bins[i][1] | {name})
        groups = [[s for s in statements if label(s) in labels] for _total, labels in bins]

        def apply(group: list[cypher_files.CypherStatement]) -> None:
            doing = "applying the schema"
            try:
                with self._session() as session, session.begin_transaction() as tx:
                    for statement in group:
                        doing = f"applying {statement.label}"
                        tx.run(statement.text).consume()
                    tx.commit()
            except (Neo4jError, DriverError) as exc:
                raise _graph_error(exc, doing, self) from exc

        with ThreadPoolExecutor(max_workers=SCHEMA_SESSIONS, thread_name_prefix="schema") as pool:
            for done in [pool.submit(apply, group) for group in groups if group]:
                done.result()
        self._run_auto_commit(self.cypher("store/await_indexes"), {}, "waiting for the indexes")

    def replan(self) -> bool:
        """After a large write: resample the out-of-date indexes and empty the query cache
        (``store/replan``), so that what follows is planned on what the graph now holds. Neo4j
        resamples an index in the background only now and then; until it does, a plan may
        take an index for empty that just got 25,000 entries. Returns False, changing nothing,
        where the server's user may not call the procedure (on a server of another
        deployment it may need an administrator): plans are then only slower, never wrong."""
        try:
            self._run_auto_commit(self.cypher("store/replan"), {}, "refreshing the planner's statistics")
        except GraphError as exc:
            code = getattr(exc.__cause__, "code", None) or ""
            if code.startswith("Neo.ClientError.Security.") or code == "Neo.ClientError.Procedure.ProcedureNotFound":
                return False
            raise
        return True

    def node_counts(self) -> dict[str, int]:
        """Nodes per label (from Neo4j's count store, cheap on any size)."""
        return {row["label"]: row["nodes"] for row in self.query("store/node_counts")}

    def server_version(self) -> str:
        """E.g. ``2026.08.1 community``, from ``dbms.components()``."""
        rows = self.query("store/server_version")
        return rows[0]["version"] if rows else "unknown"

    def notifications_for(self, text: str, params: dict[str, Any]) -> list[str]:
        """Run one statement (auto-commit) and return every notification Neo4j gives for it,
        warnings and information alike, as ``"<GQLSTATUS> <severity>: <description>"``."""
        found: list[str] = []
        try:
            with self._session(
                notifications_min_severity="INFORMATION",
                notifications_disabled_classifications=[],
            ) as session:
                summary = session.run(Query(text), params).consume()
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, "running a statement", self) from exc
        for status in summary.gql_status_objects:
            if status.is_notification or not status.gql_status.startswith(("00", "02")):
                line = f"{status.gql_status} {status.raw_severity}: {status.status_description}"
                if line not in found:
                    found.append(line)
        return found

    def run_batched(self, name: str, /, **params: Any) -> None:
        """Run a named query that commits in batches of its own (``CALL { … } IN
        TRANSACTIONS``), which only an auto-commit transaction may run; not retried."""
        self._run_auto_commit(self.cypher(name), params, f"running {name}")

    def clear(self) -> None:
        """Delete every node and relationship (the schema stays), in batches: the
        relationships first, so no node's deletion takes all of its relationships in one
        transaction. For tests and re-loads."""
        self._run_auto_commit(self.cypher("store/clear_relationships"), {}, "clearing the graph")
        self._run_auto_commit(self.cypher("store/clear"), {}, "clearing the graph")

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _session(self, **config: Any) -> Session:
        # Every session shares execute_query's bookmark manager, so each read and write of
        # the store sees the writes made before it (causal consistency), also on a Neo4j
        # cluster where a read may go to another member than the write.
        return self._driver.session(
            database=self.database, bookmark_manager=self._driver.execute_query_bookmark_manager, **config
        )

    def _run_auto_commit(self, text: str, params: dict[str, Any], doing: str) -> None:
        # Auto-commit: schema commands and CALL { … } IN TRANSACTIONS cannot run in a managed transaction.
        try:
            with self._session() as session:
                session.run(Query(text), params).consume()
        except (Neo4jError, DriverError) as exc:
            raise _graph_error(exc, doing, self) from exc


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    if size < 1:
        raise GraphError(f"Batch size must be at least 1, not {size}: check NOTONELESS_GRAPH_BATCH_SIZE.")
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _collect(pending: set[Future[int]], on_batch: Callable[[int], None] | None) -> int:
    """Wait for at least one pending batch; return the rows the finished ones wrote."""
    done, not_done = wait(pending, return_when=FIRST_COMPLETED)
    pending.intersection_update(not_done)
    written = 0
    for future in done:
        count = future.result()  # re-raises the batch's error
        written += count
        if on_batch:
            on_batch(count)
    return written


@contextmanager
def open_graph(settings: Settings, *, create: bool = False) -> Iterator[GraphStore]:
    """The graph of the configuration.

    ``Settings.graph_uri`` set: that server, with ``graph_user``/``graph_password``.
    Unset: the local server, started if it is not running and then stopped at the end,
    but only if this call started it. The local server lives in the workspace: unless
    ``create`` (run, demo, restore), a workspace that does not exist is refused
    (``config.require_workspace``) rather than made anew, empty.
    """
    if settings.graph_uri:
        if settings.graph_password is None:
            raise ConfigError(
                "NOTONELESS_GRAPH_URI is set but NOTONELESS_GRAPH_PASSWORD is not: set the password of "
                f"user {settings.graph_user!r} (or unset the URI to use the local server)."
            )
        store = GraphStore.connect(
            settings.graph_uri,
            settings.graph_user,
            settings.graph_password.get_secret_value(),
            settings.graph_database,
            batch_size=settings.graph_batch_size,
        )
        with store:
            yield store
        return
    if not create:
        require_workspace(settings)
    running = server.start(settings)
    try:
        assert running.uri is not None
        with GraphStore.connect(
            running.uri, "neo4j", server.read_password(settings), None, batch_size=settings.graph_batch_size
        ) as store:
            store.local = True
            yield store
    finally:
        if running.started:
            server.stop(settings)
