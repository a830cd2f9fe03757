"""Registered users for tests that act on cases, decisions and contacts.

Every write of officers' work is made by a registered user (``access.users``): a test
registers the officer it acts as, exactly as ``notoneless users add`` would, and acts
as the ``Caller`` the CLI's ``--by`` would find.
"""

from __future__ import annotations

from notoneless.access.users import Caller, Role, create_user, find_user
from notoneless.graph.store import GraphStore


def officer(store: GraphStore, name: str, role: Role = Role.PROVINCE, division: str = "43") -> Caller:
    """The registered user ``name`` (registered now, with ``role`` and ``division``, if new)."""
    if not store.query("api/users/by_name", name=name):
        create_user(store, name, role, division)
    return find_user(store, name)
