"""Linkage on Spark (``NOTONELESS_LINKAGE_ENGINE=spark``): Splink's Spark backend runs
the same model as DuckDB does, for data one machine cannot hold.

What moves: ``linkage_input`` (prepared in DuckDB by ``model.prepare_input``, one
linear pass) goes to Spark as a Parquet file in the workspace
(``<workspace>/spark/linkage_input.parquet``); Splink trains, blocks and scores there;
only the kept pairs come back (``predictions.parquet``, four columns) for clustering
and stable ids, which stay in DuckDB (docs/scale.md says why).

One model, written once: the comparison levels and blocking rules are DuckDB SQL
(comparisons.py, ``linkage_models/default_model.json``), translated to Spark SQL with
sqlglot when the linker is made (``spark_spec``; ``list_has_any`` fixed in its Spark
dialect). The two functions Spark lacks are defined once here (``register_functions``):
``hamming`` as a Spark SQL function, DuckDB's ``jaro_winkler_similarity`` (not Spark's,
which rounds differently) as an Arrow UDF that runs DuckDB's function on each batch.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
import threading
from typing import Any

import duckdb
import pyarrow as pa

from notoneless.config import Settings
from notoneless.errors import LinkageError
from notoneless.linkage import name_frequency

BASE_DIALECT = "duckdb"

# DuckDB's hamming(a, b): the number of positions at which two strings of equal length
# differ (DuckDB refuses strings of different lengths; here they give NULL, so the level
# does not hold). A Spark SQL function (Spark 4), evaluated inside Spark's plan, no Python.
_HAMMING_SQL = """
CREATE OR REPLACE TEMPORARY FUNCTION hamming(a STRING, b STRING) RETURNS INT
RETURN CASE WHEN length(a) = length(b) THEN
    aggregate(sequence(1, length(a)), 0,
              (acc, i) -> acc + CASE WHEN substr(a, i, 1) <> substr(b, i, 1) THEN 1 ELSE 0 END)
END
"""


# Spark's name for DuckDB's jaro_winkler_similarity. Not that name: Spark 4.3 has a
# built-in jaro_winkler_similarity (which wins over a session's function of the same
# name) that rounds transpositions differently (see ``jaro_winkler_similarity``).
JARO_WINKLER_FUNCTION = "duckdb_jaro_winkler_similarity"


def _spark_dialect() -> Any:
    """sqlglot's Spark dialect with the two functions its DuckDB-to-Spark translation
    gets wrong for this model: ``list_has_any`` (written ``a && b``, which Spark cannot
    parse) is Spark's ``arrays_overlap``, and ``jaro_winkler_similarity`` is DuckDB's
    (``JARO_WINKLER_FUNCTION``, ``register_functions``), not Spark's own of that name."""
    from sqlglot import exp
    from sqlglot.dialects.spark import Spark

    class NotOneLessSpark(Spark):  # type: ignore[misc]
        class Generator(Spark.Generator):  # type: ignore[misc]
            TRANSFORMS = {  # noqa: RUF012 - sqlglot's own way of extending a dialect
                **Spark.Generator.TRANSFORMS,
                exp.ArrayOverlaps: lambda self, e: self.func("arrays_overlap", e.this, e.expression),
                exp.JarowinklerSimilarity: lambda self, e: self.func(JARO_WINKLER_FUNCTION, e.this, e.expression),
            }

    return NotOneLessSpark


_JW_CONNECTION = threading.local()  # one in-memory DuckDB per Spark Python worker thread


def jaro_winkler_similarity(a: pa.Array, b: pa.Array) -> pa.Array:
    """DuckDB's own ``jaro_winkler_similarity`` over two Arrow string arrays (NULL where
    either is NULL): the body of Spark's ``duckdb_jaro_winkler_similarity`` (an Arrow UDF,
    ``register_functions``). DuckDB runs it, vectorised, on each Arrow batch Spark hands
    the worker, so it is the very function the DuckDB engine uses (same rounding: Spark's
    built-in and Splink's jar round transpositions differently, and score some pinyin
    pairs on the other side of the model's 0.9), not a port of it."""
    con = getattr(_JW_CONNECTION, "con", None)
    if con is None:
        con = _JW_CONNECTION.con = duckdb.connect(config={"threads": 1})
    batch = pa.table({"a": a, "b": b})  # noqa: F841 — read by the query (DuckDB's scan of a local)
    scored = con.sql("SELECT jaro_winkler_similarity(a, b) AS s FROM batch").to_arrow_table()
    return scored.column("s").combine_chunks().cast(pa.float64())


def to_spark_sql(sql: str) -> str:
    """One condition of the model (DuckDB SQL) as Spark SQL (sqlglot)."""
    import sqlglot

    if sql.strip().upper() == "ELSE":
        return sql
    return sqlglot.transpile(sql, read=BASE_DIALECT, write=_spark_dialect())[0]


def session(settings: Settings) -> Any:
    """The Spark session of this process (made at first use, kept for the next run:
    starting a JVM costs seconds). Spark Connect when ``spark_remote`` is set, else a
    session on ``spark_master`` with Splink's similarity jar."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise LinkageError("未安装 pyspark：请安装项目依赖（pip install notoneless）或改用 NOTONELESS_LINKAGE_ENGINE=duckdb") from exc
    from splink.backends.spark import similarity_jar_location

    builder = SparkSession.builder.appName("notoneless-linkage")
    if settings.spark_remote:
        builder = builder.remote(settings.spark_remote)
    else:
        builder = (
            builder.master(settings.spark_master)
            .config("spark.jars", similarity_jar_location())
            .config("spark.driver.memory", settings.spark_driver_memory)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # Spark's catalog files go to the workspace, not to whatever directory the run was started in
            .config("spark.sql.warehouse.dir", (settings.workspace / "spark" / "warehouse").resolve().as_uri())
        )
        if settings.spark_master.startswith("local"):
            # This process's Python (with the project's packages) runs the Arrow UDF; pyspark
            # reads the worker's Python from this variable only. A cluster sets its own.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        if settings.spark_executor_memory:
            builder = builder.config("spark.executor.memory", settings.spark_executor_memory)
    builder = builder.config("spark.sql.shuffle.partitions", str(settings.spark_shuffle_partitions))
    spark = builder.getOrCreate()
    spark.conf.set("spark.sql.shuffle.partitions", str(settings.spark_shuffle_partitions))
    if not settings.spark_remote:
        spark.sparkContext.setLogLevel("ERROR")
    register_functions(spark)
    return spark


def register_functions(spark: Any) -> None:
    """The model's DuckDB functions that Spark lacks, each defined once."""
    from pyspark.sql.functions import arrow_udf

    spark.sql(_HAMMING_SQL)
    spark.udf.register(JARO_WINKLER_FUNCTION, arrow_udf(jaro_winkler_similarity, "double"))


def spark_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The model ``spec`` (DuckDB SQL, as saved) with every comparison level and
    blocking rule translated to Spark SQL (``to_spark_sql``). The parameters are untouched."""
    out = copy.deepcopy(spec)
    out.pop("sql_dialect", None)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = to_spark_sql(level["sql_condition"])
    rules = out["blocking_rules_to_generate_predictions"]
    for i, rule in enumerate(rules):
        if isinstance(rule, str):
            rules[i] = rule = {"blocking_rule": rule}
        rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
        rule.pop("sql_dialect", None)
    return out


def as_base_dialect(trained: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The Spark linker's trained model (``trained``: its settings as a dict) written
    back in the SQL of ``spec``, the model it started from: the same file a DuckDB run
    saves, so ``explain`` and the next run read it whatever engine trained it."""
    out = copy.deepcopy(trained)
    out["sql_dialect"] = spec.get("sql_dialect", BASE_DIALECT)
    if len(out["comparisons"]) != len(spec["comparisons"]):
        raise LinkageError("Spark 训练后的模型与起始模型的比较项数目不同：请报告此错误")
    for got, base in zip(out["comparisons"], spec["comparisons"], strict=True):
        for level, base_level in zip(got["comparison_levels"], base["comparison_levels"], strict=True):
            level["sql_condition"] = base_level["sql_condition"]
    out["blocking_rules_to_generate_predictions"] = copy.deepcopy(spec["blocking_rules_to_generate_predictions"])
    return out


class SparkLinkage:
    """The Spark side of one linkage run: the input moved to Spark, a Splink linker
    over it, and the kept pairs moved back into the DuckDB workspace."""

    name = "spark"

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
        self.con = con
        self.spark = session(settings)
        self.remote = bool(settings.spark_remote)
        self.local = not self.remote and settings.spark_master.startswith("local")
        self.dir = settings.workspace.resolve() / "spark"
        shutil.rmtree(self.dir, ignore_errors=True)
        (self.dir / "checkpoints").mkdir(parents=True)
        if not self.remote:
            self.spark.sparkContext.setCheckpointDir(str(self.dir / "checkpoints"))

    def linker(self, spec: dict[str, Any], table: str) -> Any:
        """A Splink linker on Spark over ``table`` of the DuckDB workspace (moved as Parquet)."""
        from splink import Linker
        from splink.backends.spark import SparkAPI

        path = self.dir / f"{table}.parquet"
        self.con.execute(f"COPY {table} TO '{path.as_posix()}' (FORMAT parquet)")
        df = self.spark.read.parquet(str(path))
        db_api = SparkAPI(
            spark_session=self.spark,
            # Splink's intermediate tables: in memory in local mode (one machine: writing each as
            # Parquet only adds a job and disk), as Parquet under <workspace>/spark/checkpoints on a
            # cluster (executors come and go); Spark Connect: in memory
            break_lineage_method="persist" if self.remote or self.local else "parquet",
            num_partitions_on_repartition=max(1, int(self.spark.conf.get("spark.sql.shuffle.partitions"))),
            register_udfs_automatically=False,  # register_functions: the two the model needs (not the jar's)
        )
        return Linker(db_api.register(df, table_name=table), spark_spec(spec), log_level=None)

    def register_name_frequencies(self, linker: Any) -> None:
        """The name frequencies (name_frequency.py), computed in DuckDB and moved as Parquet."""
        def to_spark(table: str) -> Any:
            path = self.dir / f"{table.lstrip('_')}.parquet"  # Spark skips files named _*
            self.con.execute(f"COPY {table} TO '{path.as_posix()}' (FORMAT parquet)")
            return linker._db_api.register(self.spark.read.parquet(str(path)), table_name=table)

        name_frequency.register(linker, self.con, to_spark, fresh=True)

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def bring_back(self, physical_name: str, columns: str, table: str) -> None:
        """``table`` in the DuckDB workspace from ``columns`` of Spark's ``physical_name``."""
        path = self.dir / f"{table}.parquet"
        self.spark.sql(f"SELECT {columns} FROM {physical_name}").write.mode("overwrite").parquet(str(path))
        self.con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {columns} FROM read_parquet('{path.as_posix()}/*.parquet')"
        )

    def close(self) -> None:
        """Remove the run's Parquet files (the session stays for the next run)."""
        for name in [t.name for t in self.spark.catalog.listTables() if t.isTemporary]:
            self.spark.catalog.dropTempView(name)
        self.spark.catalog.clearCache()
        shutil.rmtree(self.dir, ignore_errors=True)
