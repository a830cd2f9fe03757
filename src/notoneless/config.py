"""The one Settings object. Nothing else in the project reads ``os.environ``.

Every field can be set by a ``NOTONELESS_<FIELD>`` environment variable, e.g.
``NOTONELESS_GRAPH_URI=neo4j://db.example:7687``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class WorkspacePaths:
    """The files and directories of a workspace (docs/workspace.md), named in one place."""

    root: Path

    @property
    def linkage(self) -> Path:
        """The run's DuckDB workspace, rebuilt on every run."""
        return self.root / "linkage.duckdb"

    @property
    def history(self) -> Path:
        """Person-id history and the officers' 三包 events; survives runs."""
        return self.root / "history.duckdb"

    @property
    def graph_load(self) -> Path:
        """What the graph holds as of the last completed load: the fingerprint of every
        item per load step and the load's token (graph/load.py); survives runs."""
        return self.root / "graph_load.duckdb"

    @property
    def linkage_model(self) -> Path:
        """The trained Splink model, when one was trained in this workspace."""
        return self.root / "linkage_model.json"

    @property
    def aliases(self) -> Path:
        """The workspace's header aliases (bundle/aliases.py), if there are any."""
        return self.root / "header_aliases.json"

    @property
    def graph(self) -> Path:
        """The local Neo4j server's home (data, password, pid, port, log)."""
        return self.root / "neo4j"

    @property
    def audit_journal(self) -> Path:
        """The API's audit journal: read events made durable before the data leaves,
        moved to the graph within a second (api/audits.py); survives runs and restarts."""
        return self.root / "audit_journal"

    @property
    def web_session_key(self) -> Path:
        """The key that signs the officer pages' session cookies (made at first use, 0600)."""
        return self.root / "web_session.key"

    @property
    def evidence(self) -> Path:
        """Evidence files officers upload on a case page (web/evidence.py), one folder per case."""
        return self.root / "evidence"

    @property
    def uploads(self) -> Path:
        """Bundles uploaded on the officer pages (services/uploads.py), one folder each: the
        archive with its SHA-256, the files the run read, the run's outputs and progress."""
        return self.root / "uploads"

    @property
    def demo(self) -> Path:
        """Generated demo bundles and their outputs."""
        return self.root / "demo"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTONELESS_", extra="ignore")

    # Where runs keep their DuckDB workspace, the local Neo4j's data, its password,
    # the linkage model and the person-id history.
    workspace: Path = Path(".notoneless")

    # A Neo4j server of your own (Aura, a cluster, Enterprise, Community).
    # Unset: the project starts its own local Neo4j Community server.
    graph_uri: str | None = None
    graph_user: str = "neo4j"
    graph_password: SecretStr | None = None
    graph_database: str | None = None

    # The local server (only used when graph_uri is unset).
    graph_port: int = 7688
    graph_heap: str = "1g"
    graph_pagecache: str = "512m"
    # The JDK (21+) that builds and runs the local server: NOTONELESS_JAVA_HOME must fit;
    # the usual JAVA_HOME is used when it fits, else /usr/lib/jvm/* is searched.
    java_home: Path | None = None
    system_java_home: Path | None = Field(default=None, validation_alias="JAVA_HOME")

    # Where an installed package (not a source checkout, which builds in its own
    # graph_server/target/) builds and keeps the local server: <cache_dir>/graph_server/<hash>/.
    # Unset: $XDG_CACHE_HOME/notoneless, else ~/.cache/notoneless.
    cache_dir: Path | None = None
    xdg_cache_home: Path | None = Field(default=None, validation_alias="XDG_CACHE_HOME")

    # Where linkage (Splink's training, blocking and scoring) runs: "duckdb" in this process,
    # or "spark" (Splink's Spark backend) when one machine is not enough. The same model
    # (linkage_models/default_model.json) either way; docs/scale.md says what runs where.
    linkage_engine: Literal["duckdb", "spark"] = "duckdb"
    # Spark: the master to start a session on (local[N] runs Spark inside this machine;
    # spark://host:7077, yarn, k8s://... a cluster), or a Spark Connect server (sc://host:15002),
    # which then wins over the master. The cluster must have Splink's similarity jar
    # (splink.backends.spark.similarity_jar_location()); a local session is given it here.
    spark_master: str = "local[2]"
    spark_remote: str | None = None
    spark_driver_memory: str = "2g"
    spark_executor_memory: str | None = None
    # Partitions of Spark's shuffles: a few per core (the default 200 is for clusters).
    spark_shuffle_partitions: int = Field(default=8, ge=1)

    # Writes to the graph go in UNWIND batches of this many rows.
    graph_batch_size: int = 10_000
    # A first load (into a graph holding none of the load's data) writes its large steps
    # with this many sessions at once, and an incremental load its records changed in place
    # (graph/load.py; benchmarks/first_load.py and incremental_load.py measure them).
    graph_load_writers: int = Field(default=2, ge=1)
    # A first load into the workspace's own local server, whose graph holds nothing but the
    # run's Run node, builds the database with Neo4j's offline importer (neo4j-admin database
    # import; graph/bulk_import.py) rather than through Bolt: "auto"; "off": always Bolt.
    # The importer's JVM heap and its off-heap memory are each given graph_bulk_import_memory.
    # 2g: with 1g the importer warns that its heap "may be too small" at 1M records and its
    # relationship linking took 5.1-5.8 s against 2.4-2.8 s with 2g (three alternated first
    # loads each, docs/scale.md); it reported the same 1.03 GiB peak either way.
    graph_bulk_import: Literal["auto", "off"] = "auto"
    graph_bulk_import_memory: str = "2g"

    # The registered user (notoneless users list) the command line acts as when a
    # command that writes officers' work (cases act, decisions, contacts) has no --by.
    user: str | None = None

    # The HTTP API.
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # How long a server process remembers who holds a token (api/callers.py); 0: never.
    # A disabled user, a rotated or re-issued token takes effect within this time: at most 1 s.
    api_caller_ttl_seconds: float = Field(default=1.0, ge=0, le=1.0)
    # How long a user's token is valid after it is issued (users add, users rotate).
    user_token_days: int = Field(default=90, ge=1, le=3650)
    # Every read of a child's data through the API leaves an audit event (api/audits.py).
    # Off only to measure what auditing costs (benchmarks/api_load.py --audit-off); the
    # server warns at start when it is off.
    api_audit_reads: bool = True
    # A server process moves the audit events of its journal to the graph (api/audits.py)
    # once reads have paused this long, and, while they keep coming, once the oldest event
    # has waited api_audit_move_max_seconds; a listing (GET /audit, GET /persons/{id}/audit)
    # moves them first anyway.
    api_audit_drain_seconds: float = Field(default=0.5, gt=0, le=3600)
    api_audit_move_max_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Server processes of `notoneless serve` (uvicorn workers). One Python process runs
    # one core's worth of requests; two keep a 2-core machine busy beside Neo4j.
    api_workers: int = Field(default=2, ge=1)

    # The officer pages (src/notoneless/web). A session ends after this many idle minutes.
    web_session_idle_minutes: float = Field(default=30.0, gt=0, le=24 * 60)
    # The largest evidence file (PDF, JPG, PNG) an officer may upload, in MiB.
    web_evidence_max_mb: float = Field(default=10.0, gt=0, le=200)
    # Where uploaded evidence files are kept (one folder per case; web/evidence.py):
    # <workspace>/evidence/ when not set. Any directory the server may write, e.g. a
    # mounted network share kept apart from the workspace. Never the graph.
    web_evidence_dir: Path | None = None
    # The largest bundle an officer may upload (本月数据: a folder of CSV/XLSX or one zip), in
    # MiB as sent, and what a zip may unpack to (a zip bomb is refused before it is unpacked).
    web_upload_max_mb: float = Field(default=200.0, gt=0, le=10_000)
    web_upload_unpacked_max_mb: float = Field(default=1024.0, gt=0, le=100_000)
    # Where the browser assets installed by `make` (npm ci) are: node_modules/ of the
    # source checkout when not set (an installed wheel must name it).
    web_assets_dir: Path | None = None

    @property
    def local_graph(self) -> bool:
        return self.graph_uri is None

    @property
    def paths(self) -> WorkspacePaths:
        return WorkspacePaths(self.workspace)

    @property
    def evidence_dir(self) -> Path:
        """Where evidence files live: ``web_evidence_dir``, else the workspace's ``evidence/``."""
        return self.web_evidence_dir if self.web_evidence_dir is not None else self.paths.evidence

    def local_graph_dir(self) -> Path:
        return self.paths.graph

    def user_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        return (self.xdg_cache_home or Path.home() / ".cache") / "notoneless"


def require_workspace(settings: Settings) -> None:
    """Refuse (one line: which workspace, how to choose one) when the workspace does not
    exist. Read commands call this (through ``open_graph``) so that one typed in another
    directory never starts a new, empty local server there; only ``run``, ``demo``,
    ``restore`` and ``graph build``/``start`` create a workspace."""
    from notoneless.errors import WorkspaceMissing

    root = settings.workspace.resolve()
    if root.is_dir():
        return
    create = "新建工作区请运行 notoneless run（或 notoneless graph start）"
    if "workspace" in settings.model_fields_set:
        raise WorkspaceMissing(f"NOTONELESS_WORKSPACE 指向的工作区 {root} 不存在：请检查该路径，或把 NOTONELESS_WORKSPACE "
                               f"设为已有的工作区目录；{create}")
    raise WorkspaceMissing(f"当前目录下没有工作区 {root}（未设置 NOTONELESS_WORKSPACE 时使用当前目录下的 .notoneless）："
                           f"请到建立过工作区的目录下运行，或设置 NOTONELESS_WORKSPACE=工作区目录；{create}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
