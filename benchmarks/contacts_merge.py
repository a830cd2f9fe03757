"""The 三包 merge of a run (contacts/merge.py): a county-sized bundle of responsibilities
merged with many officers' events, in pure Python (the tables are small: contacts rows and
officers' actions, not person records).

    .venv/bin/python benchmarks/contacts_merge.py [--rows 60000] [--events 30000] [--repeat 3]

Builds ``--rows`` bundle responsibilities (包村/包户/包人 over distinct targets, 2,000
contacts) and ``--events`` service events (assign/release over the same and new targets,
status changes, half dated before the reference date), then prints the wall and CPU
seconds of ``merge`` (best of ``--repeat``) and what it applied.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from notoneless.contacts.events import Assignment, ServiceEvents, StatusChange
from notoneless.contacts.merge import merge

LABEL = {"包村": ("Division", "code"), "包户": ("Household", "uid"), "包人": ("Person", "person_id")}


def build(rows: int, events: int, seed: int = 7):
    rnd = random.Random(seed)
    contacts = [f"C{i:05d}" for i in range(2000)]
    bundle: dict[str, list[dict]] = {"Division": [], "Household": [], "Person": []}
    targets = {duty: [f"{duty}-{i}" for i in range(rows)] for duty in LABEL}
    for i in range(rows):
        duty = rnd.choice(list(LABEL))
        label, key = LABEL[duty]
        bundle[label].append({"row_key": f"contacts:{i + 1}", "contact_id": rnd.choice(contacts), "type": duty,
                              "status": rnd.choice(("在岗", "在岗", "离岗")), "target_raw": "x",
                              key: rnd.choice(targets[duty])})
    start = datetime(2025, 10, 1, tzinfo=UTC)
    assignments, changes = [], []
    for i in range(events):
        at = start + timedelta(hours=rnd.randrange(24 * 30))
        if i % 20 == 0:
            changes.append(StatusChange(f"CS-{i}", rnd.choice(contacts), rnd.choice(("在岗", "离岗")), "bench", at))
            continue
        duty = rnd.choice(list(LABEL))
        assignments.append(Assignment(f"CA-{i}", rnd.choice(("assign", "assign", "release")), rnd.choice(contacts),
                                      duty, rnd.choice(targets[duty]), "bench", at))
    return bundle, {c: "在岗" for c in contacts}, ServiceEvents(tuple(assignments), tuple(changes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bundle, bundle_contacts, events = build(args.rows, args.events)
    known = {(duty, t) for duty in LABEL for t in (f"{duty}-{i}" for i in range(args.rows))}
    best = (float("inf"), float("inf"))
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        out = merge(bundle, bundle_contacts, events, date(2025, 10, 15),
                    lambda duty, target: target if (duty, target) in known else None)
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    rows_out = sum(len(v) for v in out.responsibilities.values())
    print(f"merge: {args.rows:,} bundle rows + {len(events.assignments):,} assignment and "
          f"{len(events.status_changes):,} status events → {rows_out:,} responsibilities")
    print(f"  best of {args.repeat}: {best[0]:.3f} s wall, {best[1]:.3f} s CPU")
    print(f"  {out.report.describe()}")


if __name__ == "__main__":
    main()
