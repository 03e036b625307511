"""Each stream numbers its events 1, 2, 3, … with no gap and no repeat, even when several
transactions publish at once and some of them roll back."""

from __future__ import annotations

import threading

from django.db import connection, transaction

from torget.realtime.actions import publish, publish_many
from torget.realtime.models import Stream, StreamEvent
from torget.realtime.tests.conftest import on_postgres


class Abandoned(Exception):
    pass


def test_each_stream_counts_its_own_events(db: None) -> None:
    # Given two streams, when events are published to them alternately
    for number in range(1, 4):
        publish(stream="chat-a", kind="test.note", payload={"n": number})
        publish(stream="chat-b", kind="test.note", payload={"n": number})
    publish(stream="chat-a", kind="test.note", payload={"n": 4})

    # Then each stream's numbers run 1, 2, 3, … on their own, and its head is the last one
    rows = StreamEvent.objects.order_by("stream__name", "seq")
    assert [(row.stream.name, row.seq, row.payload["n"]) for row in rows] == [
        ("chat-a", 1, 1),
        ("chat-a", 2, 2),
        ("chat-a", 3, 3),
        ("chat-a", 4, 4),
        ("chat-b", 1, 1),
        ("chat-b", 2, 2),
        ("chat-b", 3, 3),
    ]
    assert dict(Stream.objects.values_list("name", "last_seq")) == {"chat-a": 4, "chat-b": 3}


def test_events_published_together_are_numbered_on_in_their_order(db: None) -> None:
    # Given a stream with one event, when one action publishes three at once
    publish(stream="chat-d", kind="test.note", payload={"n": 1})
    rows = publish_many(
        stream="chat-d", events=[("test.note", {"n": n}) for n in (2, 3)] + [("test.end", {})]
    )

    # Then they take the next three numbers, in the order given, with one head update
    assert [(row.seq, row.kind) for row in rows] == [
        (2, "test.note"),
        (3, "test.note"),
        (4, "test.end"),
    ]
    stored = StreamEvent.objects.filter(stream__name="chat-d").order_by("seq")
    assert [(row.seq, row.payload) for row in stored] == [
        (1, {"n": 1}),
        (2, {"n": 2}),
        (3, {"n": 3}),
        (4, {}),
    ]
    assert Stream.objects.get(name="chat-d").last_seq == 4


@on_postgres
def test_concurrent_publishers_leave_no_gap_and_no_repeat(transactional_db: None) -> None:
    # Given four writers racing to create and fill one stream, each abandoning every fifth
    # of its transactions after publishing in it
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            start.wait()
            for number in range(20):
                try:
                    with transaction.atomic():
                        publish(
                            stream="chat-c", kind="test.note", payload={"w": index, "n": number}
                        )
                        if number % 5 == 4:
                            raise Abandoned
                except Abandoned:
                    pass
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    # When they all run at once
    threads = [threading.Thread(target=writer, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then the 64 kept events are numbered 1 … 64, each kept publication exactly once
    assert not failures
    rows = list(StreamEvent.objects.filter(stream__name="chat-c").values_list("seq", "payload"))
    assert [seq for seq, _payload in rows] == list(range(1, 65))
    assert sorted((payload["w"], payload["n"]) for _seq, payload in rows) == [
        (w, n) for w in range(4) for n in range(20) if n % 5 != 4
    ]
    assert Stream.objects.get(name="chat-c").last_seq == 64
