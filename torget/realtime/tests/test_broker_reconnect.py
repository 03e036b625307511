"""A worker whose broker connection is cut reconnects and reads back what it missed, so its
viewers still get every event, in order."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.db import connection
from pytest_django import Settings

from torget.realtime.hub import Hub
from torget.realtime.tests.conftest import (
    QUEUE_TIMEOUT_SECONDS,
    next_frame,
    on_postgres,
    publish_committed,
    with_hub,
)
from torget.realtime.wire import Frame

STREAM = "chat-8"
LISTENERS = (
    "SELECT pid FROM pg_stat_activity "
    "WHERE datname = current_database() AND query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()"
)


def _listeners() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(LISTENERS)
        return {pid for (pid,) in cursor.fetchall()}


def _cut(pids: set[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@on_postgres
def test_events_published_while_the_listener_was_away_still_arrive(
    transactional_db: None, settings: Settings
) -> None:
    settings.REALTIME_BROKER = "postgres"
    frames: list[Frame | None] = []

    async def scenario(hub: Hub) -> None:
        # Given a viewer that has received event 1
        viewer = (await hub.subscribe(STREAM, after=0)).viewer
        await sync_to_async(publish_committed)(STREAM, note="before")
        frames.append(await next_frame(viewer))
        # When the worker's LISTEN connection is cut
        listening = await sync_to_async(_listeners)()
        assert listening, "no LISTEN connection found"
        await sync_to_async(_cut)(listening)
        async with asyncio.timeout(QUEUE_TIMEOUT_SECONDS):
            while listening & await sync_to_async(_listeners)():
                await asyncio.sleep(0.01)
        # ... and two events are published while it is gone (the hub waits before it
        # reconnects, so they usually fall in that gap and nobody hears their NOTIFY)
        await sync_to_async(publish_committed)(STREAM, note="away 1")
        await sync_to_async(publish_committed)(STREAM, note="away 2")
        # Then, once it is back, the viewer receives them, and later ones as usual
        frames.append(await next_frame(viewer))
        frames.append(await next_frame(viewer))
        await sync_to_async(publish_committed)(STREAM, note="after")
        frames.append(await next_frame(viewer))

    with_hub(scenario)

    assert [frame.seq for frame in frames if frame] == [1, 2, 3, 4]
