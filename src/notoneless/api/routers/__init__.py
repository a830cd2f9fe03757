"""One router per resource; ``ROUTERS`` is the order ``create_app`` includes them in.

May import what the API may (every layer below ``api``); routers never import each other.
"""

from notoneless.api.routers import (
    assignments,
    audit,
    cases,
    contacts,
    decisions,
    findings,
    linkage,
    me,
    persons,
    reviews,
    runs,
    users,
)

ROUTERS = (me.router, runs.router, persons.router, findings.router, cases.router, contacts.router, assignments.router,
           linkage.router, reviews.router, decisions.router, audit.router, users.router)
