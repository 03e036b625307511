"""A viewer whose connection drops reconnects with Last-Event-ID and receives exactly what it
missed, then the live events: no gap, no duplicate (in-process broker, real uvicorn)."""

from __future__ import annotations

from torget.realtime.models import StreamEvent
from torget.realtime.tests.conftest import publish_committed
from torget.realtime.tests.sse_client import Address

STREAM = "chat-7"


def test_reconnecting_viewer_gets_exactly_the_missed_events(inprocess_server: Address) -> None:
    # Given a stream with three events, and Carla's page rendered after the first one
    for note in ("a", "b", "c"):
        publish_committed(STREAM, note=note)
    carla = inprocess_server.open(f"/live/{STREAM}/", query={"last_event_id": "1"})
    assert carla.status == 200
    # and Bob watching from the start, the whole time
    bob = inprocess_server.open(f"/live/{STREAM}/", query={"last_event_id": "0"})

    # When Carla catches up, one more event is published live, and her connection drops
    first = carla.events(2)
    publish_committed(STREAM, note="d")
    first += carla.events(1)
    carla.close()
    # ... and two events are published while she is away
    publish_committed(STREAM, note="e")
    publish_committed(STREAM, note="f")
    # ... and her browser reconnects, keeping the first URL and adding the header
    carla = inprocess_server.open(
        f"/live/{STREAM}/", query={"last_event_id": "1"}, last_event_id=str(first[-1].id)
    )
    second = carla.events(2)
    publish_committed(STREAM, note="g")
    second += carla.events(1)

    # Then before the drop she had 2, 3 and 4; after it exactly 5, 6 and the live 7
    assert [event.id for event in first] == [2, 3, 4]
    assert [event.id for event in second] == [5, 6, 7]
    # ... each as it was stored
    stored = dict(StreamEvent.objects.filter(stream__name=STREAM).values_list("seq", "payload"))
    assert {event.id: event.data for event in first + second} == {
        seq: payload for seq, payload in stored.items() if seq >= 2
    }
    assert [event.data["note"] for event in first + second] == list("bcdefg")
    assert {event.kind for event in first + second} == {"test.note"}
    # And Bob, never disconnected, saw every event once, in order
    assert [event.id for event in bob.events(7)] == [1, 2, 3, 4, 5, 6, 7]
    carla.close()
    bob.close()


def test_a_viewer_that_missed_more_than_memory_holds_is_answered_from_the_database(
    inprocess_server: Address,
) -> None:
    # Given a viewer that saw event 1 of a stream that has gone on to event 300
    for number in range(1, 301):
        publish_committed(STREAM, note=str(number))
    # When it reconnects (the hub keeps only the newest 256 frames in memory)
    viewer = inprocess_server.open(f"/live/{STREAM}/", last_event_id="1")
    caught_up = viewer.events(299)
    publish_committed(STREAM, note="301")
    live = viewer.events(1)
    viewer.close()

    # Then it receives 2 … 300 and then 301, nothing twice, nothing left out
    assert [event.id for event in caught_up + live] == list(range(2, 302))
    assert [event.data["note"] for event in caught_up + live] == [str(n) for n in range(2, 302)]
