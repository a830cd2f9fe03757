"""The guard against chained false links (串链误并): splitting one cluster that holds
two different persons' ID numbers, and honouring officers' cannot-link decisions.

Connected components are transitive: twins A and B, each with a few records, become
one "person" as soon as a single record of A scores above the threshold against a
record of B (same birth date, same village, same guardian, homophone names). The
ID numbers say otherwise: a cluster that holds two *valid, different* ID numbers that
are not one slip of the keyboard apart is two persons. This module works on one such
cluster at a time, in memory, with networkx; ``cluster_guard.py`` picks the (few)
clusters that need it out of a million in DuckDB.

Pure functions over plain values: no database, no I/O.

ID families
    The valid ID numbers of a cluster are grouped into *families*: two valid numbers
    belong to one family when they are one slip apart (``one_slip_apart``: one
    substituted character or two characters swapped, anywhere, over all 18
    characters; a swap of positions ten apart keeps the check digit valid), or when
    their 17-digit bodies are one slip apart *and* the records carrying them share
    a normalised name (a typo that a system "repaired" by recomputing the check
    digit). Twins differ in the sequence digits and the check digit and have
    different given names, so they stay in different families. A record with an
    invalid number joins the family of the cluster's valid number(s) among its
    repair candidates, if those lie in exactly one family. An officer's must-link
    joins the families it connects.

Splitting
    While some connected part holds two families (or both records of a cannot-link
    pair), cut it with a minimum s–t cut (``networkx.minimum_cut``): one family (or
    the first record of the pair) on the source side, the other families (or the
    second record) on the sink side, capacities = the edges' match weights (so the
    weakest evidence is removed), must-link edges uncuttable (no capacity attribute
    = infinite in networkx). Isolating one family at a time is the usual greedy
    heuristic for the multiway cut (exact for two families, which is the common case).

Housemates
    A list names each member of a household once. Two lines of one household in one
    list (same ``source`` and ``household_key``) whose names are written differently
    are two members, so the link between them is no evidence for putting a record
    without an ID number beside the other: it gets the smallest capacity. Without
    this, twins listed together (李新紫 / 李欣子, one pinyin, one number in Excel
    notation) pull the record without a number to the twin whose line it shares a
    household with, when its links to both twins' other records weigh the same. The
    rule only weighs edges inside a cluster being split; it links or parts nothing by
    itself (a list that repeats a child under a variant name keeps both lines together
    when their other links agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx
from networkx.algorithms.flow import dinitz

# Stable codes of identity conflicts (identity_conflicts.code). The review queue
# (issue 10) keys on these; never rename one.
GUARD_SPLIT_DIFFERENT_IDS = "GUARD_SPLIT_DIFFERENT_IDS"
TWO_VALID_IDS_ONE_PERSON = "TWO_VALID_IDS_ONE_PERSON"
DECISION_CANNOT_LINK = "DECISION_CANNOT_LINK"
DECISION_CONFLICT = "DECISION_CONFLICT"

# Smallest capacity of a cuttable edge: an edge at or below weight 0 still costs
# something to cut, so the cut prefers fewer edges among equally weak ones.
MIN_CAPACITY = 0.01

_SOURCE = ("\x00source",)
_SINK = ("\x00sink",)


@dataclass(frozen=True, slots=True)
class GuardRecord:
    """One record of a cluster, as far as the guard cares."""

    record_key: str
    id_norm: str | None = None
    id_valid: bool = False
    id_candidates: tuple[str, ...] = ()
    name_norm: str | None = None
    source: str | None = None
    household_key: str | None = None


@dataclass(frozen=True, slots=True)
class GuardEdge:
    """A link inside the cluster. ``must_link`` edges come from an officer's decision
    and are never cut (their weight is ignored)."""

    record_key_l: str
    record_key_r: str
    match_weight: float | None
    match_probability: float | None
    must_link: bool = False


@dataclass(frozen=True, slots=True)
class GuardConflict:
    """A row for ``identity_conflicts``."""

    record_key_l: str
    record_key_r: str
    match_weight: float | None
    match_probability: float | None
    code: str
    reason: str


@dataclass(slots=True)
class GuardResult:
    """The parts a cluster ends up in (each sorted, parts ordered by their smallest
    key) and what was cut or noticed on the way."""

    parts: list[list[str]]
    conflicts: list[GuardConflict] = field(default_factory=list)
    edges_cut: int = 0


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def one_slip_apart(a: str, b: str) -> bool:
    """True when equal-length ``a`` and ``b`` differ in exactly one character, or by
    exactly one swap of two characters (adjacent or not)."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    if len(diff) == 2:
        i, j = diff
        return a[i] == b[j] and a[j] == b[i]
    return False


def body_slip_apart(a: str, b: str) -> bool:
    """True when the 17-digit bodies (the check digit left out) of two ID numbers are
    one slip apart: what a typo looks like once a system recomputed the check digit."""
    return len(a) == 18 and len(b) == 18 and one_slip_apart(a[:17], b[:17])


def one_family(a: str, b: str, *, shared_name: bool) -> bool:
    """Two different valid ID numbers are one person's (one ID family, above): one slip
    apart, or their bodies one slip apart when records carrying them share a name
    (``shared_name``). Twins' numbers differ in the sequence digits and their names differ."""
    return one_slip_apart(a, b) or (shared_name and body_slip_apart(a, b))


class UnionFind:
    """Union-find over hashable items; the representative is the smallest item so the
    result does not depend on the order of unions. networkx has
    ``utils.UnionFind`` but picks the heavier root, not a deterministic smallest."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.parent: dict[str, str] = {x: x for x in items}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        lo, hi = (ra, rb) if ra < rb else (rb, ra)
        self.parent[hi] = lo
        return True


def id_families(
    records: Sequence[GuardRecord], edges: Sequence[GuardEdge]
) -> tuple[dict[str, str], list[GuardConflict]]:
    """Map each record that carries identity evidence to its ID family (the family's
    smallest valid number). Records without a family are free: the cut may put them
    on either side. Also returns a ``TWO_VALID_IDS_ONE_PERSON`` conflict for every two
    valid numbers joined because they are one slip apart (not for those joined by an
    officer's must-link: that was decided already)."""
    by_id: dict[str, list[GuardRecord]] = {}
    for rec in records:
        if rec.id_valid and rec.id_norm:
            by_id.setdefault(rec.id_norm, []).append(rec)
    valid_ids = sorted(by_id)
    families = UnionFind(valid_ids)
    conflicts: list[GuardConflict] = []
    names = {i: {r.name_norm for r in recs if r.name_norm} for i, recs in by_id.items()}
    for n, a in enumerate(valid_ids):
        for b in valid_ids[n + 1 :]:
            if one_family(a, b, shared_name=bool(names[a] & names[b])):
                if families.union(a, b):
                    ka = min(r.record_key for r in by_id[a])
                    kb = min(r.record_key for r in by_id[b])
                    l, r = _ordered(ka, kb)
                    conflicts.append(
                        GuardConflict(
                            l, r, None, None, TWO_VALID_IDS_ONE_PERSON,
                            f"同一人名下有两个有效身份证号（{a} 与 {b}），两者只差一位或两位对调，"
                            "疑为录入错误后系统重算了校验位；已按同一人处理，请核实正确的号码。",
                        )
                    )

    # Every member of a must-link component (an officer said: one person) belongs to
    # one family: the component joins every family its members point to.
    must = UnionFind(r.record_key for r in records)
    for e in edges:
        if e.must_link:
            must.union(e.record_key_l, e.record_key_r)
    valid_set = set(valid_ids)

    def raw_family(rec: GuardRecord) -> str | None:
        if rec.id_valid and rec.id_norm:
            return families.find(rec.id_norm)
        fams = {families.find(c) for c in rec.id_candidates if c in valid_set}
        return fams.pop() if len(fams) == 1 else None

    component_family: dict[str, str] = {}
    for rec in records:
        fam = raw_family(rec)
        if fam is None:
            continue
        root = must.find(rec.record_key)
        if root in component_family:
            families.union(component_family[root], fam)
        else:
            component_family[root] = fam

    family_of: dict[str, str] = {}
    for rec in records:
        root = must.find(rec.record_key)
        if root in component_family:
            family_of[rec.record_key] = families.find(component_family[root])
        else:
            fam = raw_family(rec)
            if fam is not None:
                family_of[rec.record_key] = fam
    return family_of, conflicts


def _capacity(edge: GuardEdge) -> float:
    return max(edge.match_weight if edge.match_weight is not None else MIN_CAPACITY, MIN_CAPACITY)


def housemates(a: GuardRecord, b: GuardRecord) -> bool:
    """Two lines of one household in one list under differently written names: two
    members of the household (see "Housemates" above)."""
    return (a.source is not None and a.source == b.source
            and a.household_key is not None and a.household_key == b.household_key
            and bool(a.name_norm) and bool(b.name_norm) and a.name_norm != b.name_norm)


def split_cluster(
    records: Sequence[GuardRecord],
    edges: Sequence[GuardEdge],
    cannot_link: Iterable[tuple[str, str]] = (),
) -> GuardResult:
    """Split one cluster until no part holds two ID families or both records of a
    cannot-link pair. Deterministic: the same records and edges in any order give the
    same parts and the same conflicts."""
    records = sorted(records, key=lambda r: r.record_key)
    edges = sorted(edges, key=lambda e: _ordered(e.record_key_l, e.record_key_r))
    by_key = {r.record_key: r for r in records}
    keys = by_key.keys()
    family_of, conflicts = id_families(records, edges)

    graph = nx.Graph()
    graph.add_nodes_from(r.record_key for r in records)
    edge_info: dict[tuple[str, str], GuardEdge] = {}
    for e in edges:
        if e.record_key_l not in keys or e.record_key_r not in keys or e.record_key_l == e.record_key_r:
            continue
        pair = _ordered(e.record_key_l, e.record_key_r)
        if e.must_link:
            graph.add_edge(*pair)  # no capacity attribute: infinite, never cut
        elif housemates(by_key[pair[0]], by_key[pair[1]]):
            graph.add_edge(*pair, capacity=MIN_CAPACITY)
        else:
            graph.add_edge(*pair, capacity=_capacity(e))
        edge_info[pair] = e

    must = UnionFind(keys)
    for e in edges:
        if e.must_link and e.record_key_l in keys and e.record_key_r in keys:
            must.union(e.record_key_l, e.record_key_r)

    pending: list[tuple[str, str]] = []
    for a, b in sorted({_ordered(a, b) for a, b in cannot_link if a != b}):
        if a not in keys or b not in keys:
            continue
        if must.find(a) == must.find(b):
            conflicts.append(
                GuardConflict(
                    a, b, None, None, DECISION_CONFLICT,
                    f"人工决定互相矛盾：{a} 与 {b} 已被判定为不是同一人，但另有“同一人”的决定把两者连在一起；"
                    "已保留合并，请复核这几条决定。",
                )
            )
            continue
        pending.append((a, b))

    edges_cut = 0
    while True:
        task = _next_task(graph, family_of, pending)
        if task is None:
            break
        component, source_side, sink_side, code, detail = task
        try:
            if source_side | sink_side == component:
                # Every record is pinned to a side (no ID-less record in between):
                # the minimum cut is exactly the edges across; no flow needed.
                cut = sorted(
                    _ordered(u, v)
                    for u, v in graph.subgraph(component).edges()
                    if (u in source_side) != (v in source_side)
                )
            else:
                cut = _min_cut(graph.subgraph(component), source_side, sink_side)
        except nx.NetworkXUnbounded:
            # Only must-link edges join the two sides (id_families joins the families
            # of every must-link component, so this is a safety net): the officers'
            # decision stands, the two sides are treated as one.
            a, b = min(source_side), min(sink_side)
            conflicts.append(
                GuardConflict(
                    *_ordered(a, b), None, None, DECISION_CONFLICT,
                    f"人工“同一人”的决定把 {a} 与 {b} 连在一起，与其他证据冲突；已保留合并，请复核。",
                )
            )
            if code == DECISION_CANNOT_LINK:
                pending.remove(_ordered(a, b))
            else:
                merged = min(family_of[x] for x in component if x in family_of)
                for n in component:
                    if n in family_of:
                        family_of[n] = merged
            continue
        for u, v in cut:
            pair = _ordered(u, v)
            e = edge_info[pair]
            graph.remove_edge(u, v)
            edges_cut += 1
            conflicts.append(
                GuardConflict(pair[0], pair[1], e.match_weight, e.match_probability, code, detail)
            )

    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda p: p[0])
    return GuardResult(parts=parts, conflicts=conflicts, edges_cut=edges_cut)


def _next_task(
    graph: nx.Graph, family_of: dict[str, str], pending: list[tuple[str, str]]
) -> tuple[set[str], set[str], set[str], str, str] | None:
    """The next part to cut: officers' cannot-links first, then ID families."""
    components = sorted((set(c) for c in nx.connected_components(graph)), key=min)
    where = {n: i for i, c in enumerate(components) for n in c}
    for a, b in pending:
        if where[a] == where[b]:
            reason = (
                f"人工核实已判定 {a} 与 {b} 不是同一人；模型把它们连到了一起，已按人工决定在此处拆开。"
            )
            return components[where[a]], {a}, {b}, DECISION_CANNOT_LINK, reason
    for component in components:
        fams = sorted({family_of[n] for n in component if n in family_of})
        if len(fams) >= 2:
            first, others = fams[0], fams[1:]
            source_side = {n for n in component if family_of.get(n) == first}
            sink_side = {n for n in component if family_of.get(n) in set(others)}
            reason = (
                f"模型把两条记录连到了同一人，但此人名下出现了不同的有效身份证号（{first} 与 {'、'.join(others)}），"
                "并非一位录入之差，可能是双胞胎或同名同姓者；已在最弱的连接处拆开，请核实。"
            )
            return component, source_side, sink_side, GUARD_SPLIT_DIFFERENT_IDS, reason
    return None


def _min_cut(component: nx.Graph, source_side: set[str], sink_side: set[str]) -> list[tuple[str, str]]:
    """The edges of a minimum cut separating ``source_side`` from ``sink_side``."""
    flow = nx.Graph(component)
    for n in sorted(source_side):
        flow.add_edge(_SOURCE, n)  # infinite capacity: a terminal stays on its side
    for n in sorted(sink_side):
        flow.add_edge(n, _SINK)
    # Dinitz: the quickest of networkx's flow functions on these small graphs.
    _, (reachable, _) = nx.minimum_cut(flow, _SOURCE, _SINK, flow_func=dinitz)
    return sorted(
        _ordered(u, v) for u, v in component.edges() if (u in reachable) != (v in reachable)
    )
