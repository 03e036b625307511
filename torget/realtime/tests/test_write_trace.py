"""The benchmark's opt-in trace: with REALTIME_TRACE_FILE set, the server notes when it wrote
each live event to its viewers, and to how many (real uvicorn, in-process broker)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pytest_django import Settings

from torget.realtime.tests.conftest import QUEUE_TIMEOUT_SECONDS, publish_committed
from torget.realtime.tests.sse_client import Address

STREAM = "chat-11"


def trace_lines(path: Path, count: int) -> list[list[str]]:
    """Wait for the server's next flush (about once a second) to bring ``count`` lines."""
    deadline = time.monotonic() + QUEUE_TIMEOUT_SECONDS
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return [line.split() for line in lines]
        time.sleep(0.05)


def test_the_trace_records_the_last_write_of_each_event(
    inprocess_server: Address, settings: Settings, tmp_path: Path
) -> None:
    # Given a trace file, and two viewers of a stream (one catching up on event 1)
    trace = tmp_path / "writes.trace"
    settings.REALTIME_TRACE_FILE = str(trace)
    publish_committed(STREAM, note="a")
    catching_up = inprocess_server.open(f"/live/{STREAM}/", query={"last_event_id": "0"})
    live = inprocess_server.open(f"/live/{STREAM}/", query={"last_event_id": "1"})
    assert [event.id for event in catching_up.events(1)] == [1]

    # When event 2 is published and both viewers receive it
    published_at = time.time()
    publish_committed(STREAM, note="b")
    assert [event.id for event in catching_up.events(1)] == [2]
    assert [event.id for event in live.events(1)] == [2]
    received_at = time.time()

    # Then the trace names both events, with this server's process and the viewers written
    lines = trace_lines(trace, 2)
    writes = {(stream, int(seq)): (pid, float(at), int(n)) for pid, stream, seq, at, n in lines}
    assert set(writes) == {(STREAM, 1), (STREAM, 2)}
    assert writes[(STREAM, 1)][2] == 1  # from the backlog, to one viewer
    pid, last_write, viewers = writes[(STREAM, 2)]
    assert pid == str(os.getpid())
    assert viewers == 2
    # ... at the time of the last of those writes: after the publication, before both had it
    assert published_at <= last_write <= received_at
    catching_up.close()
    live.close()
