"""Reads of the event streams, and the one way async code reaches them.

Live responses stay open for hours. Whatever database connection their request opened (the
middleware reads the authority) must not stay open with them, or a few hundred viewers would
exhaust PostgreSQL's connection slots; so every read made for a live page hands its connection
back as soon as it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

from torget.realtime.models import Stream, StreamEvent
from torget.realtime.wire import Event

P = ParamSpec("P")
T = TypeVar("T")


def head(stream: str) -> int:
    """The number of the stream's newest committed event (0 for a stream never published to)."""
    last = Stream.objects.filter(name=stream).values_list("last_seq", flat=True).first()
    return last or 0


def events_between(stream: str, *, after: int, upto: int | None = None) -> list[Event]:
    """The events numbered after ``after`` (up to ``upto`` when given), in order."""
    rows = StreamEvent.objects.filter(stream__name=stream, seq__gt=after)
    if upto is not None:
        rows = rows.filter(seq__lte=upto)
    return [
        Event(stream=stream, seq=seq, kind=kind, payload=payload)
        for seq, kind, payload in rows.order_by("seq").values_list("seq", "kind", "payload")
    ]


def tail(stream: str, *, limit: int) -> tuple[int, list[Event]]:
    """The stream's head and its newest ``limit`` events: what a hub starts its memory with."""
    last = head(stream)
    return last, events_between(stream, after=max(0, last - limit), upto=last)


def release_connections() -> None:
    """Close this thread's database connections, except one inside a transaction (a caller's
    own ``atomic`` block, as in the tests) which is not ours to close."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _released(function: Callable[P, T]) -> Callable[P, T]:
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        finally:
            release_connections()

    return run


async def read(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run one of the reads above from async code and give its connection back afterwards."""
    return await sync_to_async(_released(function))(*args, **kwargs)
