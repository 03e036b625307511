"""Django's SQLite backend, with closed connections kept open for the next request.

Under ASGI every request runs its database work in a thread of its own, and Django keeps a
connection per thread, so without this each request opened a new SQLite connection and
closed it: reading the schema again on its first query (≈ 0.8 ms) and, as the last one
closing, checkpointing the write-ahead log (≈ 0.5 ms). Here a closed connection goes back
into a small per-process pool (at most ``DATABASE_POOL_SIZE``) with no transaction open, and
the next thread that connects takes it. An idle pooled connection holds no read snapshot, so
it never holds back a checkpoint.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any, cast

from django.db.backends.sqlite3 import base

_lock = threading.Lock()
_idle: dict[str, list[sqlite3.Connection]] = {}
# A forked child must never use or close its parent's connections: closing one there can
# checkpoint and remove the write-ahead log the parent is still writing to. They stay
# referenced here, unused, for the child's life.
_inherited: list[sqlite3.Connection] = []


def _forget_after_fork() -> None:
    global _lock
    _lock = threading.Lock()
    for connections in _idle.values():
        _inherited.extend(connections)
    _idle.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


class DatabaseWrapper(base.DatabaseWrapper):
    def _pool_size(self) -> int:
        size: int = self.settings_dict.get("POOL_SIZE", 0)
        return size if not self.is_in_memory_db() else 0

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        with _lock:
            idle = _idle.get(str(self.settings_dict["NAME"]))
            if idle:
                return idle.pop()
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        return connection

    def _close(self) -> None:
        connection: sqlite3.Connection | None = self.connection
        size = self._pool_size()
        if connection is None or not size:
            self._close_for_real()
            return
        try:
            if connection.in_transaction:
                connection.rollback()
        except sqlite3.Error:
            self._close_for_real()
            return
        with _lock:
            idle = _idle.setdefault(str(self.settings_dict["NAME"]), [])
            if len(idle) < size:
                idle.append(connection)
                return
        self._close_for_real()

    def _close_for_real(self) -> None:
        # Django's private hook, which the type stubs do not declare.
        cast(Any, super())._close()

    def close_pool(self) -> None:
        """Really close this database's idle connections (before forking, at shutdown)."""
        with _lock:
            idle = _idle.pop(str(self.settings_dict["NAME"]), [])
        for connection in idle:
            connection.close()
