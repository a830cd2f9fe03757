"""One router per resource; ``ROUTERS`` is the order ``create_app`` includes them in."""

from notoneless.api.routers import cases, contacts, decisions, findings, linkage, me, persons, reviews, runs

ROUTERS = (me.router, runs.router, persons.router, findings.router, cases.router, contacts.router, linkage.router)
# identity decisions (issue 10): the review queue and the decisions
ROUTERS += (reviews.router, decisions.router)
