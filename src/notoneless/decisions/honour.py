"""What a run does with officers' decisions, and the review queue it leaves.

``notoneless run`` (run.py), in order:

1. right after the graph opens: ``read_decisions`` — the effective same/different
   decisions (``judgement.effective``);
2. after ingest: ``map_to_records`` — their fingerprints → this run's record keys
   (``clustering.record_pairs_by_fingerprints``): must-link pairs for ``same``,
   cannot-link pairs for ``different``, and the decisions whose records vanished;
3. ``link(..., must_link=, cannot_link=)`` — clustering honours them whatever the model says;
4. after the checks: ``record_run`` — one ``HONOURED_IN`` relationship per decision to the
   run's ``Run`` (applied, vanished, or contradicted by other decisions), and the review
   queue: the run's ``identity_conflicts`` as ``IdentityConflict`` nodes (replacing the
   previous run's), ranked by how much they matter (``reviews/rank``), pairs with an
   effective decision marked decided (out of the queue).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from notoneless.decisions import book
from notoneless.decisions.judgement import Decision, Verdict, effective
from notoneless.graph.store import GraphStore
from notoneless.linkage.clustering import CONFLICT_LABELS, record_pairs_by_fingerprints

# The run's conflicts, one row per pair (all its codes), oriented by fingerprint like decisions.
_QUEUE_SQL = """
WITH c AS (
    SELECT record_key_l, record_key_r, list(code ORDER BY code) AS codes, list(reason ORDER BY code) AS reasons,
           max(match_weight) AS match_weight, max(match_probability) AS match_probability
    FROM identity_conflicts GROUP BY record_key_l, record_key_r
),
j AS (
    SELECT c.*, coalesce(l.fingerprint, 'record:' || l.record_key) AS fp_l,
           coalesce(r.fingerprint, 'record:' || r.record_key) AS fp_r,
           el.person_id AS pid_l, er.person_id AS pid_r
    FROM c
    JOIN person_records l ON l.record_key = c.record_key_l
    JOIN person_records r ON r.record_key = c.record_key_r
    LEFT JOIN entities el ON el.record_key = c.record_key_l
    LEFT JOIN entities er ON er.record_key = c.record_key_r
),
-- the counties of the two persons (registration and school, over all their records):
-- the queue of a county holds every conflict about a child of the county
involved AS (SELECT pid_l AS person_id FROM j UNION SELECT pid_r FROM j),
person_counties AS (
    SELECT DISTINCT person_id, county FROM (
        SELECT e.person_id, unnest([p.county_code, p.school_county]) AS county
        FROM entities e SEMI JOIN involved USING (person_id) JOIN person_records p USING (record_key)
    ) WHERE county IS NOT NULL
),
counties AS (
    SELECT j.record_key_l, j.record_key_r, list(DISTINCT pc.county ORDER BY pc.county) AS counties
    FROM j JOIN person_counties pc ON pc.person_id IN (j.pid_l, j.pid_r)
    GROUP BY ALL
)
SELECT CASE WHEN fp_l <= fp_r THEN j.record_key_l ELSE j.record_key_r END AS record_key_a,
       CASE WHEN fp_l <= fp_r THEN j.record_key_r ELSE j.record_key_l END AS record_key_b,
       least(fp_l, fp_r) AS fingerprint_a, greatest(fp_l, fp_r) AS fingerprint_b,
       CASE WHEN fp_l <= fp_r THEN pid_l ELSE pid_r END AS person_id_a,
       CASE WHEN fp_l <= fp_r THEN pid_r ELSE pid_l END AS person_id_b,
       'R' || substr(md5(least(fp_l, fp_r) || '|' || greatest(fp_l, fp_r)), 1, 12) AS review_id,
       codes, reasons, match_weight, match_probability, coalesce(k.counties, []) AS counties, pid_l = pid_r AS same_person
FROM j LEFT JOIN counties k USING (record_key_l, record_key_r)
ORDER BY review_id
"""


WITHDRAWN_NEXT_RUN = "下次运行时，该记录对由模型判定，或以更早的有效判定为准。"


def next_run(verdict: Verdict, same_person: bool | None = None) -> str:
    """What the next run will do with a decision of ``verdict`` on a pair that this run made
    one person (``same_person``), two, or that is not known (None), in words."""
    if verdict is Verdict.SAME:
        now = "" if same_person is None else ("（本次已是同一人，结果不变）" if same_person else "（本次是两人，将合并）")
        return f"下次运行时，这两条记录必定归为同一人{now}，不论模型怎么算。"
    if verdict is Verdict.DIFFERENT:
        now = "" if same_person is None else ("（本次是同一人，将拆开）" if same_person else "（本次已是两人，结果不变）")
        return f"下次运行时，这两条记录必定分属两人{now}，不论模型怎么算。"
    if verdict is Verdict.WITHDRAW:
        return WITHDRAWN_NEXT_RUN
    return "暂缓：不约束下次运行，仍由模型判定；这处冲突留在待核队列，可稍后再定。"


@dataclass
class DecidedPairs:
    """The effective decisions of a run, mapped to its records."""

    decisions: list[Decision]
    # decision_id → the pairs of this run's record keys it binds; None: its records vanished
    pairs: dict[str, list[tuple[str, str]] | None] = field(default_factory=dict)

    def _links(self, verdict: Verdict) -> list[tuple[str, str]]:
        return [kp for d in self.decisions if d.verdict is verdict for kp in self.pairs.get(d.decision_id) or ()]

    @property
    def must_link(self) -> list[tuple[str, str]]:
        return self._links(Verdict.SAME)

    @property
    def cannot_link(self) -> list[tuple[str, str]]:
        return self._links(Verdict.DIFFERENT)

    @property
    def vanished(self) -> list[Decision]:
        return [d for d in self.decisions if self.pairs.get(d.decision_id) is None]


@dataclass
class DecisionRunReport:
    """What a run did with the decisions and the review queue (counts for summary.json)."""

    applied: int = 0
    vanished: int = 0
    contradicted: int = 0
    reviews: int = 0  # review items of the run
    reviews_open: int = 0  # of which not decided
    # of which queued for an officer: deciding them changes something (set by the cases stage)
    reviews_queued: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def describe(self) -> str:
        """One line for officers."""
        line = f"人工判定：已执行 {self.applied} 条"
        if self.vanished:
            line += f"，记录已不在本次数据中 {self.vanished} 条（请用 notoneless decisions list 查看）"
        if self.contradicted:
            line += f"，相互矛盾未能执行 {self.contradicted} 条"
        return line + f"；身份冲突 {self.reviews_open} 处未判定"


def read_decisions(store: GraphStore) -> list[Decision]:
    """The decisions that bind this run (each pair's effective same/different)."""
    return book.effective_decisions(store)


def map_to_records(con: duckdb.DuckDBPyConnection, decisions: list[Decision]) -> DecidedPairs:
    """Map decisions to this run's records by fingerprint (after ingest)."""
    by_pair = record_pairs_by_fingerprints(con, [d.pair for d in decisions if d.pair])
    return DecidedPairs(decisions, {d.decision_id: by_pair.get(d.pair) if d.pair else None for d in decisions})


def record_run(store: GraphStore, con: duckdb.DuckDBPyConnection, run_id: str, decided: DecidedPairs) -> DecisionRunReport:
    """After linkage and the checks: each decision's status in this run, and the review queue."""
    report = DecisionRunReport()
    persons = _persons(con, {k for kps in decided.pairs.values() for kp in kps or () for k in kp})
    rows = []
    for d in decided.decisions:
        kps = decided.pairs.get(d.decision_id)
        if kps is None:
            status = "vanished"
        else:
            same = [persons.get(a) is not None and persons.get(a) == persons.get(b) for a, b in kps]
            held = all(same) if d.verdict is Verdict.SAME else not any(same)
            status = "applied" if held else "contradicted"
        setattr(report, status, getattr(report, status) + 1)
        keys = sorted({k for kp in kps or () for k in kp})
        rows.append({"decision_id": d.decision_id, "run_id": run_id, "status": status, "record_keys": keys,
                     "person_ids": sorted({persons[k] for k in keys if k in persons})})
    if rows:
        store.write_rows("decisions/honoured", rows)
    report.reviews, report.reviews_open = load_queue(store, con, run_id)
    return report


def _persons(con: duckdb.DuckDBPyConnection, keys: set[str]) -> dict[str, str]:
    if not keys:
        return {}
    rows = con.execute("SELECT record_key, person_id FROM entities WHERE list_contains($keys, record_key)",
                       {"keys": sorted(keys)}).fetchall()
    return dict(rows)


def load_queue(store: GraphStore, con: duckdb.DuckDBPyConnection, run_id: str, limit: int = 20_000) -> tuple[int, int]:
    """Replace the review queue with this run's conflicts; returns (items, undecided items)."""
    while store.query("reviews/remove_old", run_id=run_id, limit=limit)[0]["removed"] >= limit:
        pass
    decided = {pair: d.verdict.value for pair, d in effective(book.all_decisions(store)).items()}
    cur = con.execute(_QUEUE_SQL)
    cols = [c[0] for c in cur.description]
    rows = []
    for values in cur.fetchall():  # one row per flagged pair: a small share of the records
        r = dict(zip(cols, values, strict=True))
        props = {k: v for k, v in r.items() if v is not None}
        props["run_id"] = run_id
        props["labels"] = [CONFLICT_LABELS.get(c, c) for c in r["codes"]]
        verdict = decided.get((r["fingerprint_a"], r["fingerprint_b"]))
        if verdict:
            props["decided"] = verdict
        rows.append({"record_key_a": r["record_key_a"], "record_key_b": r["record_key_b"], "props": props})
    if rows:
        store.write_rows("reviews/load", rows)
        store.query("reviews/rank", run_id=run_id)
    return len(rows), sum(1 for r in rows if "decided" not in r["props"])
