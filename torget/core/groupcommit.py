"""Group commit: the writes that a process's requests make at the same moment share one
transaction.

Every write transaction takes the database's write lock, and on SQLite its commit waits for
the disk; when many citizens send a form at once, most of a submission's time under the lock
is that fixed cost, paid once per form, while the forms behind it wait their turn. Here a
request does not open its own transaction: it hands its item to the process's
``GroupCommit`` and waits. The first waiting request becomes the writer: it begins a
transaction, takes every item handed over by the time it holds the write lock, stores them
and tells each request its own outcome, then lets the next writer go; items that arrive
meanwhile wait for that one. A request still sees its outcome only after the commit that
made it durable, and one item's refusal (``store_many`` returns an exception for it) stores
the others as usual. If the transaction fails as a whole, each item of the batch is tried
again alone, so an item can only fail because of itself. ``store_many`` locks what it needs
in one fixed order, so that two writers (of two worker processes) never wait for each other.

A caller already inside a transaction (a test case, an import) stores its item in that
transaction, alone, so the item commits or rolls back with the rest of the caller's work.
Any other caller gives its database connection back before it waits, so that the writer can
always get one, however many callers wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from django.db import connection, transaction

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Ticket(Generic[Item, Result]):
    __slots__ = ("done", "item", "outcome")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.outcome: Result | BaseException | None = None
        self.done = False


class GroupCommit(Generic[Item, Result]):
    """Store concurrent callers' items in shared transactions. ``store_many`` runs inside the
    transaction and returns one outcome per item, in order: its result, or the exception
    that refused it (raised to that item's caller; the others are stored)."""

    def __init__(
        self,
        store_many: Callable[[Sequence[Item]], list[Result | Exception]],
        *,
        max_batch: int = 64,
    ) -> None:
        self._store_many = store_many
        self._max_batch = max_batch
        self._pending: list[_Ticket[Item, Result]] = []
        self._pending_lock = threading.Lock()
        self._writer = threading.Lock()
        # How many batches have been stored, each in a transaction or savepoint of its own.
        self.batches = 0

    def store(self, item: Item) -> Result:
        """Store ``item`` and return its result, or raise what refused it."""
        if connection.in_atomic_block:
            return _unwrap(self._store_alone(item))
        ticket: _Ticket[Item, Result] = _Ticket(item)
        # A caller waits holding no database connection (a request may have opened one for a
        # read before): whoever becomes the writer may need one from the pool, and a pool
        # emptied by waiting callers left the writer waiting for them while they waited for
        # it, until the pool's timeout.
        connection.close()
        with self._pending_lock:
            self._pending.append(ticket)
        with self._writer:
            while not ticket.done:
                self._write_pending()
        return _unwrap(ticket.outcome)

    def _write_pending(self) -> None:
        batch: list[_Ticket[Item, Result]] = []
        try:
            try:
                with transaction.atomic():
                    # Taken once the transaction holds the write lock (on SQLite it is taken
                    # at the start), so what arrived while this writer waited goes in too.
                    batch = self._take()
                    outcomes = self._store_checked([ticket.item for ticket in batch])
                self.batches += 1
            except Exception as error:
                if len(batch) > 1:
                    for ticket in batch:
                        self._settle(ticket, self._store_alone(ticket.item))
                    return
                batch = batch or self._take()  # the transaction could not even start
                outcomes = [error] * len(batch)
            for ticket, outcome in zip(batch, outcomes, strict=True):
                self._settle(ticket, outcome)
        except BaseException as error:  # the writer is being stopped: nobody waits forever
            for ticket in batch:
                if not ticket.done:
                    self._settle(ticket, error)
            raise

    def _take(self) -> list[_Ticket[Item, Result]]:
        with self._pending_lock:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
        return batch

    @staticmethod
    def _settle(ticket: _Ticket[Item, Result], outcome: Result | BaseException) -> None:
        ticket.outcome = outcome
        ticket.done = True

    def _store_alone(self, item: Item) -> Result | Exception:
        try:
            with transaction.atomic():
                outcome = self._store_checked([item])[0]
        except Exception as error:
            return error
        self.batches += 1
        return outcome

    def _store_checked(self, items: list[Item]) -> list[Result | Exception]:
        outcomes = self._store_many(items)
        if len(outcomes) != len(items):
            raise RuntimeError(f"{len(outcomes)} outcomes for {len(items)} items")
        return outcomes


def _unwrap(outcome: Result | BaseException | None) -> Result:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome  # type: ignore[return-value]
