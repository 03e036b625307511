"""The optional Redis broker carries events to the hub like the others (needs redis-server)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from asgiref.sync import sync_to_async
from pytest_django import Settings

from torget.realtime.hub import Hub
from torget.realtime.tests.conftest import next_frame, publish_committed, with_hub
from torget.realtime.wire import Frame

REDIS_SERVER = shutil.which("redis-server")
STREAM = "chat-10"


@pytest.fixture
def redis_url(tmp_path: object) -> Iterator[str]:
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server (Debian package redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - a local test server
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=20)


def test_events_travel_through_redis_to_the_viewer(
    transactional_db: None, settings: Settings, redis_url: str
) -> None:
    settings.REALTIME_BROKER = "redis"
    settings.REDIS_URL = redis_url
    frames: list[Frame | None] = []

    async def scenario(hub: Hub) -> None:
        # Given a viewer of a hub that listens through Redis
        viewer = (await hub.subscribe(STREAM, after=None)).viewer
        # When two events are published
        for note in ("one", "two"):
            await sync_to_async(publish_committed)(STREAM, note=note)
        # Then both arrive, in order
        frames.extend([await next_frame(viewer), await next_frame(viewer)])

    with_hub(scenario)

    assert [frame.seq for frame in frames if frame] == [1, 2]
    assert all(frame and b'"note"' in frame.data for frame in frames)
