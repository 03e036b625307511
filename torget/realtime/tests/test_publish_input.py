"""``publish`` takes only what it can send unchanged: a short stream name, a plain kind and a
JSON object; what it stores is exactly what viewers receive."""

from __future__ import annotations

import datetime
import math

import pytest

from torget.realtime.actions import publish
from torget.realtime.models import StreamEvent
from torget.realtime.wire import Event, encode


@pytest.mark.parametrize(
    ("stream", "kind", "payload"),
    [
        ("", "test.note", {}),
        ("x" * 101, "test.note", {}),
        ("chat-6", "", {}),
        ("chat-6", "Test.Note", {}),
        ("chat-6", "note\nid: 99", {}),
        ("chat-6", "test note", {}),
        ("chat-6", "test.note", {"score": math.nan}),
    ],
    ids=["no-stream", "long-stream", "no-kind", "capitals", "line-break", "space", "nan"],
)
def test_a_bad_publication_is_a_bug_and_stores_nothing(
    db: None, stream: str, kind: str, payload: dict[str, object]
) -> None:
    with pytest.raises(ValueError, match=r"."):
        publish(stream=stream, kind=kind, payload=payload)

    assert not StreamEvent.objects.exists()


def test_what_is_stored_is_what_is_sent(db: None) -> None:
    # When an event carries values JSON has no type for, its keys in no particular order
    at = datetime.datetime(2026, 5, 1, 12, 30, tzinfo=datetime.UTC)
    event = publish(
        stream="chat-6", kind="test.note", payload={"n": 1, "at": at, "b": {"z": 1, "a": 2}}
    )
    # Then they are stored as their JSON text
    stored = StreamEvent.objects.get(pk=event.pk)
    assert stored.payload == {"at": "2026-05-01T12:30:00Z", "b": {"a": 2, "z": 1}, "n": 1}
    # ... and read back from the database they make the very bytes that went out live
    live = encode(Event(stream="chat-6", seq=1, kind="test.note", payload=event.payload))
    read_back = encode(
        Event(stream="chat-6", seq=stored.seq, kind=stored.kind, payload=stored.payload)
    )
    assert read_back.data == live.data
    assert live.data == (
        b'id: 1\nevent: test.note\ndata: {"at":"2026-05-01T12:30:00Z","b":{"a":2,"z":1},"n":1}\n\n'
    )
