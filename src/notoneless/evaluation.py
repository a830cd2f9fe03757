"""Scoring a run's outputs against a bundle's answer key (the generator's ``truth/``,
or a hand-made bundle's ``expected/``).

Person ids are the project's own, so each ``person_id`` of ``entities.csv`` is mapped
to the true person holding most of its records (ties: the smallest true id). A
finding is then compared by its key: the person (and 学期, 资助项目 where the kind has
them); for contact gaps the gap type and its object (a village code, or a person).
Precision, recall and F1 per finding kind; ``rows_equal`` counts the matched findings
whose every column agrees too.

``cluster_agreement`` compares two clusterings of the same records (two engines, two
runs) pair by pair.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

KINDS = ("unmatched_children", "cross_county_students", "duplicate_subsidies", "missed_subsidies", "contact_gaps")
KEY_COLUMNS = {
    "unmatched_children": ("person_id",),
    "cross_county_students": ("person_id",),
    "duplicate_subsidies": ("person_id", "学期", "资助项目"),
    "missed_subsidies": ("person_id", "学期"),
    "contact_gaps": ("类型", "对象"),
}


@dataclass(frozen=True)
class Score:
    kind: str
    true_positives: int
    false_positives: int
    false_negatives: int
    rows_equal: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def person_mapping(entities_csv: Path, truth_persons_csv: Path) -> dict[str, str]:
    """person_id → the true person id holding most of its records."""
    truth = {r["record_key"]: r["true_person_id"] for r in _read(truth_persons_csv)}
    votes: dict[str, Counter[str]] = {}
    for r in _read(entities_csv):
        true_pid = truth.get(r["record_key"])
        if true_pid is not None:
            votes.setdefault(r["person_id"], Counter())[true_pid] += 1
    return {pid: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for pid, c in votes.items()}


def _mapped_rows(kind: str, rows: list[dict[str, str]], mapping: dict[str, str] | None) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for row in rows:
        row = dict(row)
        if mapping is not None:
            if "person_id" in row:
                row["person_id"] = mapping.get(row["person_id"], "?" + row["person_id"])
            if kind == "contact_gaps" and row.get("类型") != "包村缺位":
                row["对象"] = mapping.get(row["对象"], "?" + row["对象"])
        out[tuple(row[c] for c in KEY_COLUMNS[kind])] = row
    return out


def score_findings(out_dir: Path, truth_dir: Path, *, truth_persons: Path | None = None) -> dict[str, Score]:
    """Score ``out_dir/findings/<kind>.csv`` against ``truth_dir/<kind>.csv``."""
    mapping = person_mapping(out_dir / "entities.csv", truth_persons or truth_dir / "persons.csv")
    scores = {}
    for kind in KINDS:
        got = _mapped_rows(kind, _read(out_dir / "findings" / f"{kind}.csv"), mapping)
        want = _mapped_rows(kind, _read(truth_dir / f"{kind}.csv"), None)
        common = got.keys() & want.keys()
        scores[kind] = Score(
            kind,
            len(common),
            len(got.keys() - want.keys()),
            len(want.keys() - got.keys()),
            sum(1 for k in common if got[k] == want[k]),
        )
    return scores


def format_scores(scores: dict[str, Score]) -> str:
    lines = [f"{'finding kind':24} {'P':>6} {'R':>6} {'F1':>6} {'TP':>6} {'FP':>5} {'FN':>5} {'rows=':>6}"]
    for s in scores.values():
        lines.append(
            f"{s.kind:24} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.true_positives:6d} "
            f"{s.false_positives:5d} {s.false_negatives:5d} {s.rows_equal:6d}"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Agreement:
    """How two clusterings of the same records agree, pair by pair: ``only_a`` / ``only_b``
    are the record pairs one puts in one person and the other does not."""

    pairs_a: int
    pairs_b: int
    only_a: list[tuple[str, str]]
    only_b: list[tuple[str, str]]

    @property
    def f1(self) -> float:
        both = self.pairs_a - len(self.only_a)
        return 2 * both / (self.pairs_a + self.pairs_b) if self.pairs_a + self.pairs_b else 1.0


def _linked_pairs(person_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for record, person in person_of.items():
        members.setdefault(person, []).append(record)
    return {pair for keys in members.values() for pair in combinations(sorted(keys), 2)}


def cluster_agreement(a: dict[str, str], b: dict[str, str]) -> Agreement:
    """Pairwise agreement of two record → person maps over the same records (e.g. the
    entities of one bundle linked by two engines; the person ids themselves may differ)."""
    if a.keys() != b.keys():
        raise ValueError(f"不同的记录集：只在一方的记录 {sorted(a.keys() ^ b.keys())[:5]}")
    pa, pb = _linked_pairs(a), _linked_pairs(b)
    return Agreement(len(pa), len(pb), sorted(pa - pb), sorted(pb - pa))
