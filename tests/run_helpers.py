"""What the run tests compare: the contract's output files and the graph's counts by label."""

from __future__ import annotations

from notoneless.checks.catalogue import CHECKS

OUTPUT_FILES = ["entities.csv", "rejects.csv"] + [f"findings/{c.KIND}.csv" for c in CHECKS]


def graph_counts(store) -> tuple[dict, dict]:
    """Nodes per label and relationships per type."""

    def read(tx):
        nodes = tx.run("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n").data()
        rels = tx.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n").data()
        return {r["label"]: r["n"] for r in nodes}, {r["type"]: r["n"] for r in rels}

    return store.execute_read(read)
