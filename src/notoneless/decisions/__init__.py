"""Officers' identity decisions (身份判定) and the review queue (待核身份冲突), issue 10.

- ``judgement.py``: the decision as a value (verdict, who, when, which records) and the
  rule that gives a pair its effective judgement (pure);
- ``book.py``: decisions in the graph: created once, never edited, withdrawn only by
  another decision; listing, the labelled-pairs export;
- ``honour.py``: what a run does with them: fingerprints → this run's must-link and
  cannot-link pairs, the status of each decision in the run, the review queue loaded;
- ``queue.py``: the review queue an officer works through (scoped, ordered by importance).

May import the foundation, ``normalize``, ``linkage``, ``graph`` and ``access``; never the
services, the API, the pages or the CLI.
"""
