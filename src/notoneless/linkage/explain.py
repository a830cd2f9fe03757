"""Why two records are, or are not, one person: Splink's waterfall, told in plain Chinese.

``explain_last_run`` explains a pair over the last run's workspace (attached read-only);
``explain_pair`` scores the pair with the run's model (``<workspace>/linkage_model.json``,
else the committed default), lists each comparison's level and match weight (the
term-frequency adjustment of a common or rare name folded into the name's weight),
the prior, the total weight and probability, and the cluster decision read from the
run's ``entities``, ``predictions`` and ``identity_conflicts`` tables.

The plain wording is made here, once, for every reader (``notoneless explain``, the
review page /app/reviews/{id}, the API's ``GET /linkage/explain`` and ``/reviews/{id}``):
each row's ``verdict`` ("身份证号：纠错后一致——第 17、18 位对调"), its ``note`` (a common
name: "这个名字很常见，同名不足以说明是同一人"), its ``strength`` in words and its ``bar``
(0–10, the length of the weight bar), and the ``decision`` in words (把握, not
probabilities and thresholds). No officer-facing text here names a log-Bayes factor.
"""

from __future__ import annotations

import contextlib
import copy
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
from splink.internals.waterfall_chart import records_to_waterfall_data

from notoneless.config import Settings
from notoneless.errors import LinkageError
from notoneless.linkage import households, model, name_frequency, training
from notoneless.linkage.clustering import CONFLICT_LABELS
from notoneless.linkage.comparisons import DISPLAY, SAME_NAME_COHORT_LABEL, SAME_NAME_VILLAGE_LABEL
from notoneless.linkage.plain import (
    COMMON_NAME,
    PRIOR_NAME,
    PRIOR_VERDICT,
    RARE_NAME,
    bar_length,
    certainty,
    strength_words,
    verdict,
)
from notoneless.linkage.scoring import make_linker, run_model

PRIOR = "先验"  # ``ExplanationRow.comparison`` of the starting point (the API's field value)
FAMILY_ROW = "同户成员关系"  # the household pass's relation level (linkage/households.py), when it moved the pair


# What an equal name's frequency says where the two records meet (name_frequency.py):
# (commoner than an equal name usually is, rarer).
_NAME_NOTES = {
    SAME_NAME_VILLAGE_LABEL: ("按本村叫这个名字的人数算，这个名字不算少见，同名不足以说明是同一人",
                              "按本村叫这个名字的人数算，这个名字少见，同名更能说明是同一人"),
    SAME_NAME_COHORT_LABEL: ("按同年出生的人中叫这个名字的人数算，这个名字不算少见，同名不足以说明是同一人",
                             "按同年出生的人中叫这个名字的人数算，这个名字少见，同名更能说明是同一人"),
}


@dataclass(frozen=True)
class ExplanationRow:
    comparison: str  # Chinese name of the comparison (先验 for the prior)
    level: str  # Chinese label of the level the pair fell into
    value_a: str
    value_b: str
    match_weight: float  # log2 Bayes factor, tf adjustment included (never shown to officers as such)
    verdict: str = ""  # plain Chinese: "身份证号：纠错后一致——第 17、18 位对调"
    note: str = ""  # plain Chinese, e.g. COMMON_NAME

    @property
    def name(self) -> str:
        """The comparison as officers read it (起点 for the prior)."""
        return PRIOR_NAME if self.comparison == PRIOR else self.comparison

    @property
    def strength(self) -> str:
        """The weight in words: 强烈支持是同一人 … 几乎不影响 … 强烈说明不是同一人."""
        return strength_words(self.match_weight)

    @property
    def bar(self) -> int:
        """The weight as a bar length, 0–10 (the sign says which way: ``match_weight``)."""
        return bar_length(self.match_weight)


@dataclass
class Explanation:
    key_a: str
    key_b: str
    rows: list[ExplanationRow]
    match_weight: float
    match_probability: float
    person_a: str | None = None
    person_b: str | None = None
    same_person: bool | None = None
    decision: str = ""  # plain Chinese: the cluster decision and why
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The total in words: how sure the model is that the two are one person."""
        return f"综合各项，系统认为是同一人的把握为 {certainty(self.match_probability)}（达到 {MERGE_AT} 才合为一人）"


MERGE_AT = f"{model.MATCH_THRESHOLD:.0%}"  # the probability at which records are one person, in words

# The tables of the last run that an explanation reads (docs/workspace.md).
_TABLES = ("linkage_input", "person_records", "entities", "identity_conflicts", "predictions",
           households.FAMILY_PAIRS_TABLE, households.FAMILY_LEVELS_TABLE,
           *(name_frequency.tf_table(c) for c in name_frequency.CONDITIONAL))


def _attach(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    path = settings.paths.linkage
    try:
        con.execute(f"ATTACH '{path.as_posix()}' AS ws (READ_ONLY)")
    except duckdb.Error as exc:
        raise LinkageError(f"无法打开工作区数据库 {path}：{exc}。若另一个 notoneless run 正在运行，请等它结束。") from exc


def open_workspace(settings: Settings) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with views onto the workspace database, attached read-only,
    so that explaining never changes the last run's results."""
    path = settings.paths.linkage
    if not path.is_file():
        raise LinkageError(f"工作区 {settings.workspace} 中没有连接结果（{path.name}）：请先运行 notoneless run。")
    con = duckdb.connect()
    _attach(con, settings)
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'ws'"
        ).fetchall()
    }
    for t in _TABLES:
        if t in have:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM ws.main.{t}")
    return con


# Explanations already given, by the identity of the run's files and the pair: a pair's
# explanation cannot change until a run rewrites the workspace database or its model, so
# an officer coming back to a review (or the page after a decision) does not wait for
# Splink to score the pair again.
_CACHE: OrderedDict[tuple[Any, ...], Explanation] = OrderedDict()
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()


def _identity(settings: Settings) -> tuple[Any, ...] | None:
    """What changes whenever a run rewrites the results an explanation reads (None: no results)."""
    found = []
    for path in (settings.paths.linkage, settings.paths.linkage.with_name(settings.paths.linkage.name + ".wal"),
                 run_model(settings)):
        try:
            st = path.stat()
        except FileNotFoundError:
            if path == settings.paths.linkage:
                return None
            found.append((str(path), None))
            continue
        found.append((str(path), st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(found)


class _Scorer:
    """The last run's model, ready to score pairs: built once per run's files and kept
    (the server explains many pairs of one run). Building it — Splink's linker over the
    run's model, and the names' frequency table over every record — was most of an
    explanation's time (about 150 of 450 ms, profiled on the demo workspace); scoring one
    pair is the rest. The workspace database is attached only while a pair is explained
    (``attached``), as before, so a run can take it between two explanations: the views
    and the frequency table live in this process's memory and outlast a detach."""

    def __init__(self, settings: Settings, identity: tuple[Any, ...]) -> None:
        self.identity = identity
        self.con = open_workspace(settings)
        self._lock = threading.Lock()
        try:
            self.linker = _linker(self.con, settings)
        finally:
            self.con.execute("DETACH ws")

    @contextlib.contextmanager
    def attached(self, settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:  # one explanation at a time on this connection (its temp tables, its attach)
            _attach(self.con, settings)
            try:
                yield self.con
            finally:
                self.con.execute("DETACH ws")


_SCORER: _Scorer | None = None
_SCORER_LOCK = threading.Lock()


def _scorer(settings: Settings, identity: tuple[Any, ...]) -> _Scorer:
    """The kept scorer of this run's files (built when they change). The previous one is
    not closed here: a thread may still be explaining with it; its in-memory connection
    (the workspace already detached) closes when the last reference goes."""
    global _SCORER
    with _SCORER_LOCK:
        if _SCORER is None or _SCORER.identity != identity:
            _SCORER = _Scorer(settings, identity)
        return _SCORER


def explain_last_run(settings: Settings, key_a: str, key_b: str) -> Explanation:
    """``explain_pair`` over the last run's workspace, attached read-only (the CLI, the
    API's explanation and the review queue use it); given again from memory while the
    run's files are unchanged."""
    identity = _identity(settings)
    if identity is None:
        open_workspace(settings).close()  # raises: no results in this workspace, run first
    key = (identity, key_a, key_b)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return copy.deepcopy(_CACHE[key])
    scorer = _scorer(settings, identity)
    with scorer.attached(settings) as con:
        ex = explain_pair(con, key_a, key_b, settings, linker=scorer.linker)
    if _identity(settings) == identity:  # not rewritten meanwhile
        with _CACHE_LOCK:
            _CACHE[key] = copy.deepcopy(ex)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return ex


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return rows[0][0] > 0


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if value else "—"
    s = str(value)
    return "—" if s in ("", "None", "[]") else s


def _show(rec: dict[str, Any], cols: tuple[str, ...]) -> str:
    for c in cols:
        v = _fmt(rec.get(c))
        if v != "—":
            return v
    return "—"


def _record(con: duckdb.DuckDBPyConnection, key: str, side: str) -> dict[str, Any]:
    """The record ``key`` as a one-row temp table ``__nol_explain_<side>`` (what Splink scores)
    and as a dict (what the explanation shows), read from the run's records once. The
    table keeps ``linkage_input``'s column types: scoring from Python dicts lets DuckDB
    guess a column's type from its value, and a column that is NULL in the record (a birth
    date in a file without one: fupin, minzheng, canlian) becomes type NULL, on which
    ``year()`` does not bind."""
    table = f"__nol_explain_{side}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {model.INPUT_TABLE} WHERE record_key = ?", [key])
    cur = con.execute(f"SELECT * FROM {table}")
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        raise LinkageError(f"找不到记录 {key}：记录键的格式是 <系统>:<行号>，例如 xueji:17，请核对后重试。")
    return dict(zip(cols, rows[0], strict=True))


def _linker(con: duckdb.DuckDBPyConnection, settings: Settings) -> Any:
    """Splink's linker of the run's model over the run's records, with the names'
    frequency tables (what scoring a pair needs besides the two records)."""
    if not _has_table(con, model.INPUT_TABLE):
        if not _has_table(con, "person_records"):
            raise LinkageError("工作区中没有已读取的数据：请先运行 notoneless run 再查看解释。")
        model.prepare_input(con)
    spec = training.load_model_dict(run_model(settings))
    spec["retain_intermediate_calculation_columns"] = True
    spec["retain_matching_columns"] = True
    linker = make_linker(con, spec, validate=False)  # the run used this model on this table
    name_frequency.register(linker, con)
    return linker


def explain_pair(
    con: duckdb.DuckDBPyConnection, key_a: str, key_b: str, settings: Settings, *, linker: Any = None
) -> Explanation:
    """Explain the pair (key_a, key_b) with the last run's model and decisions
    (``linker``: one ``_linker`` already built over ``con``)."""
    if linker is None:
        linker = _linker(con, settings)
    rec_a, rec_b = _record(con, key_a, "a"), _record(con, key_b, "b")
    scored = linker.inference.score_pair(*(linker._db_api.table_to_splink_dataframe(t, t)
                                           for t in ("__nol_explain_a", "__nol_explain_b"))).as_record_list()
    if not scored:
        raise LinkageError(f"无法为 {key_a} 与 {key_b} 打分。")
    record = scored[0]
    waterfall = records_to_waterfall_data([record], linker._settings_obj, hide_details=False)

    rows: list[ExplanationRow] = []
    by_comparison: dict[str, int] = {}
    for w in waterfall:
        col = w["column_name"]
        weight = float(w["log2_bayes_factor"] or 0.0)
        if col == "Prior":
            rows.append(ExplanationRow(PRIOR, "任意两条记录为同一人的先验", "", "", weight,
                                       verdict=f"{PRIOR_NAME}：{PRIOR_VERDICT}"))
        elif col == "Final score":
            continue
        elif w["term_frequency_adjustment"]:
            base = col.removeprefix("tf_")
            i = by_comparison[base]
            r = rows[i]
            note = r.note
            if abs(weight) > 0.25:  # the name's frequency moved its weight noticeably
                common, rare = _NAME_NOTES.get(r.level, (COMMON_NAME, RARE_NAME))
                note = common if weight < 0 else rare
            rows[i] = ExplanationRow(r.comparison, r.level, r.value_a, r.value_b, r.match_weight + weight,
                                     verdict=r.verdict, note=note)
        else:
            by_comparison[col] = len(rows)
            label, shown = DISPLAY.get(col, (col, ()))
            level = str(w["label_for_charts"])
            rows.append(
                ExplanationRow(
                    label,
                    level,
                    _show(rec_a, shown),
                    _show(rec_b, shown),
                    weight,
                    verdict=verdict(label, level, _detail(col, level, rec_a, rec_b)),
                )
            )
    total = float(record["match_weight"])
    prob = float(record["match_probability"])
    family = households.family_adjustment(con, key_a, key_b)
    if family is not None:  # the household pass's relation level (not a comparison of the model's)
        level, weight = family
        rows.append(ExplanationRow(FAMILY_ROW, level, "", "", weight, verdict=f"{FAMILY_ROW}：{level}"))
        total += weight
        prob = 1.0 / (1.0 + 2.0 ** -total)
    ex = Explanation(key_a, key_b, rows, total, prob)
    _decide(con, ex)
    return ex


def _positions(a: str, b: str) -> list[int]:
    return [i + 1 for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def _detail(col: str, level: str, rec_a: dict[str, Any], rec_b: dict[str, Any]) -> str:
    """What exactly differs, where the level alone does not say it (ID numbers, birth dates)."""
    if col == "id":
        a, b = str(rec_a.get("id_norm") or ""), str(rec_b.get("id_norm") or "")
        if not a or not b or a == b:
            return ""
        if len(a) != len(b):
            return "15 位旧号升为 18 位后一致" if level.startswith("纠错后一致") else ""
        diff = _positions(a, b)
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0] - 1] == b[diff[1] - 1] \
                and a[diff[1] - 1] == b[diff[0] - 1]:
            return f"第 {diff[0]}、{diff[1]} 位对调"
        if diff == [len(a)]:
            return f"只有第 {len(a)} 位（校验位）不同，改正校验位后一致"
        if len(diff) == 1:
            return f"只有第 {diff[0]} 位不同，一方校验不通过，按校验位改正后一致" if level.startswith("纠错后一致") \
                else f"只有第 {diff[0]} 位不同"
        if len(diff) == 2 and not level.startswith("两个有效号码不同"):
            return f"第 {diff[0]}、{diff[1]} 位不同"
        return ""
    if col == "birth" and level == "出生日期相差一位数字":
        a, b = str(rec_a.get("birth_str") or ""), str(rec_b.get("birth_str") or "")
        if a and b and len(a) == len(b):
            diff = _positions(a, b)
            if len(diff) == 1:
                return f"{_fmt(rec_a.get('birth_any'))} 与 {_fmt(rec_b.get('birth_any'))}，只差一位数字"
    return ""


def _decide(con: duckdb.DuckDBPyConnection, ex: Explanation) -> None:
    threshold = model.MATCH_THRESHOLD
    lo, _hi = model.REVIEW_BAND
    if not _has_table(con, "entities"):
        ex.decision = "尚未聚类（工作区中没有 entities 表）：请先运行 notoneless run。"
        return
    pid = dict(
        con.execute(
            "SELECT record_key, person_id FROM entities WHERE record_key IN (?, ?)", [ex.key_a, ex.key_b]
        ).fetchall()
    )
    ex.person_a, ex.person_b = pid.get(ex.key_a), pid.get(ex.key_b)
    ex.same_person = ex.person_a is not None and ex.person_a == ex.person_b
    conflicts: list[tuple] = []
    if _has_table(con, "identity_conflicts"):
        conflicts = con.execute(
            "SELECT code, reason, match_weight FROM identity_conflicts "
            "WHERE (record_key_l = ? AND record_key_r = ?) OR (record_key_l = ? AND record_key_r = ?)",
            [ex.key_a, ex.key_b, ex.key_b, ex.key_a],
        ).fetchall()
    for code, reason, _w in conflicts:
        ex.notes.append(f"身份冲突（{CONFLICT_LABELS.get(code, code)}）：{reason}")
    p = ex.match_probability
    above = p >= threshold
    sure = f"系统认为是同一人的把握为 {certainty(p)}"
    if ex.same_person:
        if above:
            ex.decision = f"同一人（人员编号 {ex.person_a}）：{sure}，达到合为一人所需的 {MERGE_AT}。"
        else:
            ex.decision = (
                f"同一人（人员编号 {ex.person_a}）：这两条记录本身{sure}，不到 {MERGE_AT}，"
                "但它们分别与同一人的其他记录相连。"
            )
    else:
        who = f"（人员编号 {_fmt(ex.person_a)} 与 {_fmt(ex.person_b)}）"
        if above:
            ex.decision = (
                f"不是同一人{who}：{sure}，虽达到 {MERGE_AT}，"
                "但合起来的这个人会有两个不同的有效身份证号（如双胞胎、同名同生日的人），所以系统把他们分开。"
            )
        elif p >= lo:
            ex.decision = f"不是同一人{who}：{sure}，不到 {MERGE_AT}，但相差不远，已列入身份核查，请人工判断。"
        else:
            ex.decision = f"不是同一人{who}：{sure}，远不到 {MERGE_AT}。"
    if math.isnan(ex.match_weight):
        ex.notes.append("匹配权重无法计算。")
