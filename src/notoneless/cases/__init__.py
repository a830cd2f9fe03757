"""The case ledger (台账): case types, reasons, state machines, and the graph-backed ledger.

Every finding of a run becomes a case (一生一案) that officers work to 销号; a new
run updates the ledger rather than replacing it (``ledger.reconcile``).

May import the foundation, ``normalize``, ``linkage`` (the id history), ``graph`` and ``access``
(who acts); never the services, the API, the pages or the CLI.
"""
