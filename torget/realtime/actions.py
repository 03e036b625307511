"""The one write: append an event to a stream and have it announced once committed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

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
    if not stream or len(stream) > STREAM_NAME_MAX_LENGTH:
        raise ValueError(f"stream name must be 1-{STREAM_NAME_MAX_LENGTH} characters: {stream!r}")
    if len(kind) > KIND_MAX_LENGTH or not KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"kind must be lower-case letters, digits and ._-: {kind!r}")
    # What is stored is what is sent, whether a viewer gets it live or from the database.
    stored: dict[str, Any] = json.loads(
        json.dumps(dict(payload), cls=DjangoJSONEncoder, allow_nan=False)
    )
    with transaction.atomic():
        row, _created = Stream.objects.select_for_update().get_or_create(name=stream)
        row.last_seq += 1
        row.save(update_fields=["last_seq"])
        event = StreamEvent.objects.create(stream=row, seq=row.last_seq, kind=kind, payload=stored)
        get_broker().publish(Event(stream=stream, seq=event.seq, kind=kind, payload=stored))
    return event
