"""The one write: append an event to a stream and have it announced once committed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from torget.realtime.broker import get_broker
from torget.realtime.models import (
    KIND_MAX_LENGTH,
    STREAM_NAME_MAX_LENGTH,
    Stream,
    StreamEvent,
)
from torget.realtime.wire import KIND_PATTERN, Event


def publish(*, stream: str, kind: str, payload: Mapping[str, Any]) -> StreamEvent:
    """Give the event the stream's next number and store it, within the caller's transaction.

    The stream's row stays locked until that transaction ends, so numbers are handed out in
    commit order and a rollback takes its number back with it: the numbers have no gaps. The
    broker announces the event only after commit, so a rolled-back action is never seen
    live. Call this last in an action: the lock serialises every writer to the stream.
    """
    return publish_many(stream=stream, events=[(kind, payload)])[0]


def publish_many(
    *, stream: str, events: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[StreamEvent]:
    """Publish ``events`` (kind, payload) to one stream in this order, as ``publish`` does
    each, with one numbering and one insert for all of them."""
    if not stream or len(stream) > STREAM_NAME_MAX_LENGTH:
        raise ValueError(f"stream name must be 1-{STREAM_NAME_MAX_LENGTH} characters: {stream!r}")
    stored: list[tuple[str, dict[str, Any]]] = []
    for kind, payload in events:
        if len(kind) > KIND_MAX_LENGTH or not KIND_PATTERN.fullmatch(kind):
            raise ValueError(f"kind must be lower-case letters, digits and ._-: {kind!r}")
        # What is stored is what is sent, whether a viewer gets it live or from the database.
        stored.append(
            (kind, json.loads(json.dumps(dict(payload), cls=DjangoJSONEncoder, allow_nan=False)))
        )
    if not stored:
        return []
    # No savepoint: if anything here fails, the caller's whole action must not commit.
    with transaction.atomic(savepoint=False):
        stream_id, last = _take_numbers(stream, len(stored))
        first = last - len(stored) + 1
        rows = StreamEvent.objects.bulk_create(
            [
                StreamEvent(stream_id=stream_id, seq=seq, kind=kind, payload=payload)
                for seq, (kind, payload) in enumerate(stored, start=first)
            ]
        )
        get_broker().publish(
            [Event(stream=stream, seq=row.seq, kind=row.kind, payload=row.payload) for row in rows]
        )
    return rows


_NEXT = "UPDATE realtime_stream SET last_seq = last_seq + %s WHERE name = %s"
_NUMBER = "SELECT id, last_seq FROM realtime_stream WHERE name = %s"


def _take_numbers(stream: str, count: int) -> tuple[int, int]:
    """Take the stream's next ``count`` numbers and return its id and the last of them,
    locking its row until the transaction ends: one statement where the database can return
    what it updated (every chat question and answer publishes, and the ORM's lock, read and
    save were three)."""
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(_NEXT + " RETURNING id, last_seq", [count, stream])
        else:  # SQLite before 3.35; its write lock is already the transaction's
            cursor.execute(_NEXT, [count, stream])
            cursor.execute(_NUMBER, [stream])
        row = cursor.fetchone()
    if row is None:  # the stream's first event: make its row (racing creators meet in get)
        Stream.objects.get_or_create(name=stream)
        return _take_numbers(stream, count)
    return int(row[0]), int(row[1])
