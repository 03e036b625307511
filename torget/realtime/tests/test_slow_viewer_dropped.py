"""A viewer that falls too far behind is dropped, without holding up the others, and can
carry on from the last event it received."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from asgiref.sync import sync_to_async
from django.http.response import HttpResponseBase
from django.test import RequestFactory
from pytest_django import Settings

from torget.realtime.hub import Hub
from torget.realtime.sse import HOLD_AFTER, HOLD_STREAM, frames, sse_response
from torget.realtime.tests.conftest import next_frame, publish_committed, until, with_hub
from torget.realtime.wire import Frame

STREAM = "chat-2"


def _chunks(response: HttpResponseBase) -> AsyncGenerator[bytes, None]:
    """The frames the live layer sends for the view's answer ``response``."""
    assert response.status_code == 200
    after = response.get(HOLD_AFTER)
    return frames(response[HOLD_STREAM], after=int(after) if after else None)


def test_the_slow_viewer_is_dropped_and_the_quick_one_keeps_everything(
    transactional_db: None, settings: Settings
) -> None:
    settings.REALTIME_VIEWER_BACKLOG = 3
    quick_frames: list[Frame | None] = []
    outcome: dict[str, object] = {}

    async def scenario(hub: Hub) -> None:
        # Given a viewer that reads nothing, and one that reads every event at once
        slow = await hub.subscribe(STREAM, after=0)
        quick = await hub.subscribe(STREAM, after=0)
        # When five events are published, two more than a viewer may have waiting
        for number in range(1, 6):
            await sync_to_async(publish_committed)(STREAM, number=number)
            quick_frames.append(await next_frame(quick.viewer))
        # Then the slow viewer's queue holds only the end-of-stream mark
        outcome["slow"] = await next_frame(slow.viewer)
        outcome["slow_left_over"] = slow.viewer.queue.qsize()
        outcome["viewers"] = hub.viewer_count(STREAM)
        # And when it comes back with the last number it had (none), it gets all five
        again = await hub.subscribe(STREAM, after=0)
        outcome["backlog"] = [frame.seq for frame in again.backlog]

    with_hub(scenario)

    assert outcome["slow"] is None
    assert outcome["slow_left_over"] == 0
    assert outcome["viewers"] == 1
    assert [frame.seq for frame in quick_frames if frame] == [1, 2, 3, 4, 5]
    assert outcome["backlog"] == [1, 2, 3, 4, 5]


def test_the_dropped_viewers_response_ends_and_a_reconnect_resumes(
    transactional_db: None, settings: Settings
) -> None:
    settings.REALTIME_VIEWER_BACKLOG = 3
    first: list[bytes] = []
    second: list[bytes] = []

    async def scenario(hub: Hub) -> None:
        # Given a live response that has delivered event 1 and then stops being read
        response = await sync_to_async(sse_response)(
            RequestFactory().get(f"/live/{STREAM}/"), stream=STREAM
        )
        chunks = _chunks(response)
        first.append(await anext(chunks))  # retry:
        # The response subscribes when it is read on, and then waits for the first event.
        waiting = asyncio.ensure_future(anext(chunks))
        await until(lambda: hub.viewer_count(STREAM) == 1)
        await sync_to_async(publish_committed)(STREAM, number=1)
        first.append(await waiting)
        # When four more events are published while it is not read
        for number in range(2, 6):
            await sync_to_async(publish_committed)(STREAM, number=number)
        await until(lambda: hub.viewer_count(STREAM) == 0)
        # Then its stream ends
        first.extend([chunk async for chunk in chunks])
        # And the browser's reconnection with Last-Event-ID: 1 receives 2 to 5
        again = await sync_to_async(sse_response)(
            RequestFactory().get(f"/live/{STREAM}/", headers={"Last-Event-ID": "1"}),
            stream=STREAM,
        )
        chunks = _chunks(again)
        second.append(await anext(chunks))  # retry:
        second.extend(frame + b"\n\n" for frame in (await anext(chunks)).split(b"\n\n")[:-1])
        await chunks.aclose()

    with_hub(scenario)

    assert first[0].startswith(b"retry: ")
    assert [chunk.split(b"\n")[0] for chunk in first[1:]] == [b"id: 1"]
    assert second[0].startswith(b"retry: ")
    # What it missed comes in one write, every event whole and in order
    assert [chunk.split(b"\n")[0] for chunk in second[1:]] == [
        b"id: 2",
        b"id: 3",
        b"id: 4",
        b"id: 5",
    ]
