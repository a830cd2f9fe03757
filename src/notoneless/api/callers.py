"""Who holds a bearer token, remembered for at most a second (``Settings.api_caller_ttl_seconds``, ≤ 1 s).

Every request names its caller by token; looking the token's SHA-256 up in the graph is
one more round trip per request (about 1 ms of the server's CPU in the driver alone). A
server process keeps what it found for a short time, so a token re-issued or rotated, a
user disabled or deleted (or whose role or division changed) by another process or the
CLI is refused within that time — at most 1 s (the setting cannot be set higher); a
change made through this process's own API forgets every caller at once. Only tokens that were found are remembered: an
unknown token is looked up every time. Each server process (``NOTONELESS_API_WORKERS``)
keeps its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache

from notoneless.access.users import Caller, authenticate, hash_token
from notoneless.graph.store import GraphStore

# Distinct tokens remembered at once; more is harmless (the oldest is looked up again).
MAX_CALLERS = 4096


class CallerCache:
    """Token → Caller for ``ttl`` seconds (``ttl <= 0``: look up every time); ``timer``
    is the clock the time is measured on."""

    def __init__(self, ttl: float, timer: Callable[[], float] = time.monotonic) -> None:
        self._known: TTLCache[str, Caller] | None = TTLCache(MAX_CALLERS, ttl, timer) if ttl > 0 else None
        # TTLCache is not thread-safe; look_up runs in the thread pool.
        self._lock = threading.Lock()

    def remembered(self, token: str) -> Caller | None:
        """The caller holding ``token`` if known and fresh (no I/O: safe on the event loop)."""
        if self._known is None:
            return None
        with self._lock:
            return self._known.get(hash_token(token))  # the token itself is never kept

    def forget_all(self) -> None:
        """Forget every caller (a user was changed through this process: refuse at once)."""
        if self._known is not None:
            with self._lock:
                self._known.clear()

    def look_up(self, store: GraphStore, token: str) -> Caller | None:
        """The caller holding ``token``, from the graph (blocking); remembered if found."""
        found = authenticate(store, token)
        if found is not None and self._known is not None:
            with self._lock:
                self._known[hash_token(token)] = found
        return found
