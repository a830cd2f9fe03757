"""What the run tests compare: the contract's output files and the graph's counts by label."""

from __future__ import annotations

import csv
from pathlib import Path

from notoneless.checks.catalogue import CHECKS
from notoneless.config import Settings

OUTPUT_FILES = ["entities.csv", "rejects.csv"] + [f"findings/{c.KIND}.csv" for c in CHECKS]


def graph_counts(store) -> tuple[dict, dict]:
    """Nodes per label and relationships per type."""

    def read(tx):
        nodes = tx.run("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n").data()
        rels = tx.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n").data()
        return {r["label"]: r["n"] for r in nodes}, {r["type"]: r["n"] for r in rels}

    return store.execute_read(read)


def forget_history(settings: Settings) -> None:
    """Remove the workspace's person-id history. A test that empties the graph starts a
    new ledger: the history of the old one goes with it, else the next run is refused as
    a workspace whose ledger went missing (run.check_ledger)."""
    history = settings.paths.history
    for path in (history, history.with_name(history.name + ".wal")):
        path.unlink(missing_ok=True)


def gaps(out: Path) -> set[tuple[str, str, str]]:
    """The (类型, 对象, 联系人编号) rows of a run's findings/contact_gaps.csv."""
    with open(out / "findings" / "contact_gaps.csv", encoding="utf-8-sig") as f:
        return {(r["类型"], r["对象"], r["联系人编号"]) for r in csv.DictReader(f)}


def person_of(out: Path) -> dict[str, str]:
    """A run's entities.csv as record_key → person_id."""
    with open(out / "entities.csv", encoding="utf-8") as f:
        return {r["record_key"]: r["person_id"] for r in csv.DictReader(f)}
