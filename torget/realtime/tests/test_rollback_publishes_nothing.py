"""An action that rolls back leaves no event, uses up no number and announces nothing; what
commits is announced, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from pytest_django import Settings

from torget.realtime.actions import publish, publish_many
from torget.realtime.broker import CHANNEL, PostgresBroker, parse_announcement
from torget.realtime.hub import Hub
from torget.realtime.models import Stream, StreamEvent
from torget.realtime.tests.conftest import next_frame, on_postgres, publish_committed, with_hub
from torget.realtime.wire import Frame

STREAM = "chat-3"


class ActionFailed(Exception):
    pass


def failing_action() -> None:
    with pytest.raises(ActionFailed), transaction.atomic():
        publish(stream=STREAM, kind="test.note", payload={"note": "rolled back"})
        raise ActionFailed


def test_a_rolled_back_publication_leaves_no_row_and_takes_its_number_back(
    transactional_db: None,
) -> None:
    # Given a stream with one event
    publish_committed(STREAM, note="first")
    # When an action publishes and then fails
    failing_action()
    # Then nothing of it is stored, and the next event gets the number it would have had
    assert Stream.objects.get(name=STREAM).last_seq == 1
    assert publish_committed(STREAM, note="second") == 2
    assert list(StreamEvent.objects.filter(stream__name=STREAM).values_list("seq", "payload")) == [
        (1, {"note": "first"}),
        (2, {"note": "second"}),
    ]


def test_a_viewer_never_sees_a_rolled_back_event(transactional_db: None) -> None:
    received: list[Frame | None] = []
    left_over: list[int] = []

    async def scenario(hub: Hub) -> None:
        # Given a viewer of the in-process hub
        viewer = (await hub.subscribe(STREAM, after=None)).viewer
        # When an action fails after publishing, and then another one succeeds
        await sync_to_async(failing_action)()
        await sync_to_async(publish_committed)(STREAM, note="kept")
        received.append(await next_frame(viewer))
        left_over.append(viewer.queue.qsize())

    with_hub(scenario)

    # Then the viewer receives only the committed one, as number 1
    frame = received[0]
    assert frame is not None
    assert frame.seq == 1
    assert b'"note":"kept"' in frame.data
    assert left_over == [0]


def announced_while(settings: Settings, count: int, act: Callable[[], None]) -> list[Any]:
    """Listen as a worker does with the PostgreSQL broker, ``act``, and return (number,
    payload) of the first ``count`` announcements."""
    settings.REALTIME_BROKER = "postgres"
    broker = PostgresBroker()
    with psycopg.connect(**broker.connect_params(), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        act()
        notices = list(listener.notifies(timeout=10, stop_after=count))
    announcements = [parse_announcement(notice.payload) for notice in notices]
    return [(a.seq, a.event.payload if a.event else None) for a in announcements if a]


@on_postgres
def test_postgres_notifies_only_what_was_committed(
    transactional_db: None, settings: Settings
) -> None:
    # When one action commits, one rolls back, and one more commits
    def act() -> None:
        publish_committed(STREAM, note="first")
        failing_action()
        publish_committed(STREAM, note="second")

    # Then exactly the two committed events are announced, numbered 1 and 2
    assert announced_while(settings, 2, act) == [(1, {"note": "first"}), (2, {"note": "second"})]


@on_postgres
def test_postgres_notifies_events_published_together_in_their_order(
    transactional_db: None, settings: Settings
) -> None:
    # When one action publishes four events at once
    def act() -> None:
        with transaction.atomic():
            publish_many(stream=STREAM, events=[("test.note", {"n": n}) for n in range(4)])

    # Then all four are announced, in their order
    assert announced_while(settings, 4, act) == [(n + 1, {"n": n}) for n in range(4)]
