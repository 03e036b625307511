"""Test helpers for items stored together: several callers of a ``GroupCommit`` handing over
their items at once, and what one batch costs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

from torget.core.groupcommit import GroupCommit

T = TypeVar("T")


def while_writer_busy(
    writer: GroupCommit[Any, Any],
    calls: Sequence[Callable[[], T]],
    *,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[T]:
    """Run each call in a thread of its own while ``writer`` is busy (its lock held here), so
    every call has handed over its item before any is stored; call ``meanwhile`` once they
    all wait, then let the writer go and return the calls' results in order. A call that
    raised fails the test."""
    results: dict[int, T] = {}
    failures: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            results[index] = call()
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    waiting = len(writer._pending)
    with writer._writer:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(writer._pending) < waiting + len(calls):
            assert time.monotonic() < deadline, "the callers did not hand over their items"
            time.sleep(0.01)
        meanwhile()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == [], failures
    return [results[index] for index in range(len(calls))]


def statements_to_store(store_many: Callable[[Sequence[T]], list[Any]], batch: Sequence[T]) -> int:
    """How many SQL statements ``store_many`` runs to store ``batch``; every item must be
    stored as new (its outcome ``(row, True)``)."""
    with CaptureQueriesContext(connection) as queries:
        outcomes = store_many(batch)
    assert all(isinstance(outcome, tuple) and outcome[1] for outcome in outcomes), outcomes
    return len(queries)
