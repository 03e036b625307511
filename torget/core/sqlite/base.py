"""Django's SQLite backend, with closed connections kept open for the next request.

Under ASGI every request runs its database work in a thread of its own, and Django keeps a
connection per thread, so without this each request opened a new SQLite connection and
closed it: reading the schema again on its first query and, as the last one closing,
checkpointing the write-ahead log, both paid by every request. Here a closed connection goes
back into a small per-process pool (at most ``DATABASE_POOL_SIZE``) with no transaction open,
and the next thread that connects takes it. An idle pooled connection holds no read snapshot,
so it never holds back a checkpoint.

Writers also queue here instead of in SQLite. With ``transaction_mode`` IMMEDIATE every
transaction takes SQLite's write lock at BEGIN, and a second one waits in SQLite's busy
handler, which sleeps and tries again after 1, 2, 5, 10 … 100 ms: under a burst of forms the
lock stands free while the waiters sleep, and the unlucky ones wait far longer than the work
before them took. Here a transaction first takes a per-process lock (threads queue on it) and
then an exclusive ``flock`` on ``<database>-writer`` (processes queue on it, woken by the
kernel the moment it is let go), and lets both go when it commits or rolls back. A
transaction waits for the one before it as long as that one runs, as PostgreSQL's writers do;
a thread of the same process gives up after the busy timeout with "database is locked", as
before. Programs that do not take the queue (the sqlite3 shell) still meet SQLite's own lock
and busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from typing import Any, cast

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_lock = threading.Lock()
_idle: dict[str, list[sqlite3.Connection]] = {}
# A forked child must never use or close its parent's connections: closing one there can
# checkpoint and remove the write-ahead log the parent is still writing to. They stay
# referenced here, unused, for the child's life.
_inherited: list[sqlite3.Connection] = []


class WriterQueue:
    """One write transaction at a time on one database file, across threads and processes."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}-writer"
        self._thread_lock = threading.Lock()
        self._fd: int | None = None

    def acquire(self, timeout: float) -> None:
        if not self._thread_lock.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        assert self._fd is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


_queues: dict[str, WriterQueue] = {}


def _forget_after_fork() -> None:
    global _lock
    _lock = threading.Lock()
    for connections in _idle.values():
        _inherited.extend(connections)
    _idle.clear()
    # The child shares the parent's open lock file (and any flock held through it): it opens
    # its own on its first write.
    _queues.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


class DatabaseWrapper(base.DatabaseWrapper):
    _queued: WriterQueue | None = None  # the queue this connection's transaction holds

    def _writer_queue(self) -> WriterQueue | None:
        if (
            not self.settings_dict.get("WRITER_QUEUE")
            or str(self.settings_dict["OPTIONS"].get("transaction_mode", "")).upper() != "IMMEDIATE"
            or self.is_in_memory_db()
        ):
            return None
        name = str(self.settings_dict["NAME"])
        with _lock:
            queue = _queues.get(name)
            if queue is None:
                queue = _queues[name] = WriterQueue(name)
        return queue

    def _start_transaction_under_autocommit(self) -> None:
        queue = self._writer_queue()
        if queue is not None and self._queued is None:
            queue.acquire(timeout=self._busy_timeout_seconds())
            self._queued = queue
        try:
            cast(Any, super())._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> None:
        try:
            cast(Any, super())._commit()
        finally:
            self._leave_queue()

    def _rollback(self) -> None:
        try:
            cast(Any, super())._rollback()
        finally:
            self._leave_queue()

    def _leave_queue(self) -> None:
        queue, self._queued = self._queued, None
        if queue is not None:
            queue.release()

    def _busy_timeout_seconds(self) -> float:
        return float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))

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
            try:
                self._close_for_real()
            finally:
                self._leave_queue()
            return
        try:
            if connection.in_transaction:
                connection.rollback()
        except sqlite3.Error:
            self._close_for_real()
            return
        finally:
            self._leave_queue()
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
