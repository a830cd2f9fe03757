"""The answer key written next to a generated bundle, in ``OUT/truth/``:

- ``persons.csv`` ``record_key,true_person_id``: every row of the six person files,
  including the unusable ones;
- ``rejects.csv`` ``record_key,why``: the rows made unusable on purpose;
- ``ids.csv`` ``true_person_id,id_number``: the true ID of every person who has one
  (all valid by python-stdnum's ``cn.ric``);
- ``hard_cases.csv`` ``true_person_id,case``: each planted hard case;
- ``dirt.csv`` ``record_key,column,kind``: each corrupted value;
- one CSV per finding kind, named and columned as the contract's outputs, with
  ``person_id`` = true_person_id, computed by the independent `oracle`.
"""

from __future__ import annotations

from pathlib import Path

from notoneless.synth.oracle import FINDING_FILES, PERSON_STEMS, Oracle
from notoneless.synth.systems import World
from notoneless.synth.writer import write_csv_utf8


def write_truth(world: World, out: Path) -> dict[str, int]:
    """Write the answer key into `out`; returns the number of rows of each finding file."""
    out.mkdir(parents=True, exist_ok=True)
    persons, rejects, dirt = [], [], []
    for stem in PERSON_STEMS:
        for r in world.rows[stem]:
            persons.append((r.record_key, r.person.pid))  # type: ignore[union-attr]
            if r.unusable:
                rejects.append((r.record_key, r.unusable))
    for rows in world.rows.values():
        for r in rows:
            for column, kind in r.dirt:
                dirt.append((r.record_key, column, kind))
    write_csv_utf8(out / "persons.csv", ("record_key", "true_person_id"), persons)
    write_csv_utf8(out / "rejects.csv", ("record_key", "why"), rejects)
    write_csv_utf8(out / "dirt.csv", ("record_key", "column", "kind"), dirt)
    pop = world.population
    seen = {r[1] for r in persons}
    write_csv_utf8(out / "ids.csv", ("true_person_id", "id_number"),
                   [(p.pid, p.id_no) for p in pop.persons if p.id_no and p.pid in seen])
    write_csv_utf8(out / "hard_cases.csv", ("true_person_id", "case"),
                   [(p.pid, c) for p in pop.persons if p.pid in seen for c in p.cases])
    counts = {}
    for name, rows in Oracle(world).findings().items():
        columns = FINDING_FILES[name]
        write_csv_utf8(out / f"{name}.csv", columns, [[r[c] for c in columns] for r in rows])
        counts[name] = len(rows)
    return counts
