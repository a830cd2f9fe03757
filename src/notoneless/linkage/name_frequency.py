"""How common a name is where the two records meet: in their village, in their birth year.

Splink's term-frequency adjustment replaces an "equal names" level's average ``u`` by the
name's own frequency: 王伟 agreeing is weaker evidence than 衡嘉懿 agreeing. Splink takes
that frequency over the whole input, a county or a prefecture. But the question a pair in
one village asks is narrower: how likely is it that *another* person of this village has
this name? A name rare in the county may be carried by two children of one clan village
(同村同名), and then two records of that village with that name are much weaker evidence
than its county share says. The same holds for a birth cohort: a name in fashion the year
a child was born.

So the name comparison has two levels before its plain "equal names" level, each with a
frequency conditional on what the two records share (``comparisons.name``):

- equal names in the same village (``name_village``: name and village code);
- equal names born the same year (``name_cohort``: name and year of birth).

Their frequency tables are computed here from ``linkage_input`` and registered with
Splink (``register_term_frequency_lookup``) instead of Splink's own per-value count, which
would be a share of the whole input and so make every name look rarer.

The estimate for a name X in a group g (a village, a birth year):

- ``others``: how many *other* persons of g are called X. Counted in each source apart,
  where a person is listed once, as X's distinct birth dates (else households, else the
  record itself: a child a registry lists twice, in two households, is one person),
  minus the record's own; the largest count of any source is taken (the household
  registry lists everyone, a relief list a few). Counting all records instead would
  count a child's own three records as three namesakes.
- ``size``: the group's records in its largest source.
- ``f``: X's frequency over the whole input, as Splink's own table has it.
- ``tf = max(f, (others + size * f) / (2 * size))``: the group's own evidence, shrunk
  halfway toward the overall frequency (a prior worth as many persons as the group has),
  and never below the overall frequency. One other namesake in a village of 300 makes
  a name about 1/600 common, however rare it is overall. A name nobody else of the
  group carries in any one source keeps its overall frequency: a namesake listed only
  by another source is not counted (a father 王涛浩 in the household registry and a
  boy 王涛浩 in the student registry of one village), so "nobody else" is not evidence
  that the name is rarer there than overall.

Splink's adjustment turns a level's weight into ``log2(m / tf)``: the level's own ``u``
cancels out, and the location or birth-date comparison counts the shared village or date
as before. The three equal-name levels share one m and u
(training.tie_equal_name_levels), so a pair whose name no group makes commoner weighs
exactly what it did with the one plain level.

Written here rather than taken from Splink: Splink computes only whole-input frequencies
(its ``compute_tf_table``), and has no notion of a source or of a household.
"""

from __future__ import annotations

from typing import Any

import duckdb

from notoneless import handoffs

# The conditional term-frequency columns of linkage_input, in the order of the name
# comparison's levels. model.prepare_input builds each as ``name_norm || '|' || group``
# (the village code; the year of birth), and the group is read back from it here.
CONDITIONAL = ("name_village", "name_cohort")
PLAIN = "name_norm"  # the whole-input frequency (Splink's own table)


_TABLES = {"name_village": handoffs.TF_NAME_VILLAGE, "name_cohort": handoffs.TF_NAME_COHORT}


def tf_table(column: str) -> str:
    """The workspace table of a column's frequencies: written once per run by the first
    scoring, read again by the household pass's scoring and by ``explain``, so that each
    scores a pair with the frequencies the run used."""
    return _TABLES[column].name


def compute(con: duckdb.DuckDBPyConnection, table: str = "linkage_input") -> dict[str, str]:
    """Write one frequency table per conditional column (``<column>``, ``tf_<column>``)
    that ``table`` has (a workspace linked before these columns existed has neither them
    nor a model that reads them); returns ``{column: table name}``."""
    have = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE __nol_name_overall AS
        SELECT name_norm, count(*) / sum(count(*)) OVER () AS f
        FROM {table} WHERE name_norm IS NOT NULL GROUP BY name_norm
        """
    )
    tables = {}
    for column in (c for c in CONDITIONAL if c in have):
        out = tf_table(column)
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {out} AS
            WITH rows AS (
                SELECT source, {column} AS term, substr({column}, length(name_norm) + 2) AS grp,
                       name_norm, coalesce(CAST(birth_any AS VARCHAR), household_key, record_key) AS holder
                FROM {table}
                WHERE {column} IS NOT NULL
            ),
            per_source AS (
                SELECT source, term, grp, name_norm, count(DISTINCT holder) AS persons
                FROM rows GROUP BY ALL
            ),
            sizes AS (
                SELECT grp, max(n) AS size
                FROM (SELECT source, grp, count(*) AS n FROM rows GROUP BY ALL) GROUP BY grp
            ),
            named AS (
                SELECT term, grp, name_norm, max(persons) - 1 AS others FROM per_source GROUP BY ALL
            )
            SELECT term AS {column}, greatest(f, (others + size * f) / (2 * size)) AS tf_{column}
            FROM named JOIN sizes USING (grp) JOIN __nol_name_overall USING (name_norm)
            """
        )
        tables[column] = out
    con.execute("DROP TABLE IF EXISTS __nol_name_overall")
    return tables


def _readable(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """A table or view of that name on the connection's search path (explain reads the
    workspace through views)."""
    try:
        con.execute(f"SELECT 1 FROM {name} LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True


def register(linker: Any, con: duckdb.DuckDBPyConnection, to_splink: Any = None, *, fresh: bool = False) -> None:
    """Give a linker over the workspace's ``linkage_input`` its name frequencies: ours for
    the conditional columns (computed now if ``fresh`` or not there yet, else the run's),
    Splink's own for ``name_norm`` (computed now, so that a prediction on part of the
    records still uses the whole input's). ``to_splink(table)`` turns a DuckDB table of
    ``con`` into a SplinkDataFrame of the linker's engine (default: the linker's own DuckDB
    connection, which is ``con``)."""
    tables = {c: tf_table(c) for c in CONDITIONAL}
    if fresh or not all(_readable(con, t) for t in tables.values()):
        tables = compute(con)
    to_splink = to_splink or linker._db_api.register
    for column, table in tables.items():
        linker.table_management.register_term_frequency_lookup(to_splink(table), column)
    linker.table_management.compute_tf_table(PLAIN)
