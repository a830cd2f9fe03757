"""One router per resource; ``ROUTERS`` is the order ``create_app`` includes them in."""

from notoneless.api.routers import assignments, cases, contacts, findings, linkage, me, persons, runs

ROUTERS = (me.router, runs.router, persons.router, findings.router, cases.router, contacts.router, assignments.router,
           linkage.router)
