"""A worker encodes each event once and gives every viewer the very same bytes."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from torget.realtime import hub as hub_module
from torget.realtime.hub import Hub
from torget.realtime.tests.conftest import next_frame, publish_committed, with_hub
from torget.realtime.wire import Event, Frame, encode

STREAM = "chat-1"


def test_every_viewer_gets_the_same_frame_encoded_once(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[Event] = []

    def counting_encode(event: Event) -> Frame:
        encoded.append(event)
        return encode(event)

    monkeypatch.setattr(hub_module, "encode", counting_encode)
    frames: list[Frame | None] = []

    async def scenario(hub: Hub) -> None:
        # Given three viewers of one stream
        subscriptions = [await hub.subscribe(STREAM, after=0) for _ in range(3)]
        # When one event is published
        await sync_to_async(publish_committed)(STREAM, text="Hvornår åbner stien?")
        frames.extend([await next_frame(each.viewer) for each in subscriptions])

    with_hub(scenario)

    # Then it was encoded once, and all three hold the same object
    assert len(encoded) == 1
    first = frames[0]
    assert first is not None
    assert all(frame is first for frame in frames)
    # ... in the SSE wire format, the number as the id
    assert first.data == (
        'id: 1\nevent: test.note\ndata: {"text":"Hvornår åbner stien?"}\n\n'.encode()
    )


def test_a_payload_with_line_breaks_stays_one_data_line() -> None:
    frame = encode(Event(stream=STREAM, seq=4, kind="test.note", payload={"text": "a\n\nid: 9"}))

    assert frame.data == b'id: 4\nevent: test.note\ndata: {"text":"a\\n\\nid: 9"}\n\n'
