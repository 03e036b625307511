"""The live response starts at once, passes the site's middleware (the Content-Security-Policy
included) without being buffered, tells the browser when to retry, and beats while quiet; it
ends, and stops following its stream, when the viewer leaves."""

from __future__ import annotations

import time

from torget.realtime import hub as hub_module
from torget.realtime.tests.sse_client import Address


def _viewers(stream: str) -> int:
    """How many viewers the server's hub (in a thread of this process) has on ``stream``."""
    hub = hub_module._hub
    return 0 if hub is None else hub.viewer_count(stream)


def _wait_for_viewers(stream: str, count: int) -> None:
    deadline = time.monotonic() + 10
    while _viewers(stream) != count:
        assert time.monotonic() < deadline, f"{_viewers(stream)} viewers, expected {count}"
        time.sleep(0.02)


def test_a_quiet_stream_opens_at_once_and_sends_heartbeats(inprocess_server: Address) -> None:
    # Given a stream nobody has published to, when a viewer connects (heartbeat every 1 s)
    viewer = inprocess_server.open("/live/chat-5/")

    # Then the response is an unbuffered event stream, with the site's security headers
    assert viewer.status == 200
    assert viewer.header("Content-Type") == "text/event-stream"
    assert viewer.header("Cache-Control") == "no-cache"
    assert viewer.header("X-Accel-Buffering") == "no"
    assert viewer.header("Content-Length") is None
    assert viewer.header("Transfer-Encoding") == "chunked"
    # ... and what the view told the live layer stays between them
    assert viewer.header("Torget-Live-Stream") is None
    assert viewer.header("Torget-Live-After") is None
    assert "default-src 'self'" in (viewer.header("Content-Security-Policy") or "")
    # ... the browser learns how long to wait before reconnecting
    # ... and comment lines keep arriving while nothing happens
    viewer.wait_for_comment("heartbeat")
    viewer.comments.clear()
    viewer.wait_for_comment("heartbeat")
    assert viewer.retry is not None
    assert 2000 <= viewer.retry <= 6000
    viewer.close()


def test_a_viewer_that_leaves_is_no_longer_followed(inprocess_server: Address) -> None:
    # Given two viewers of a stream
    staying = inprocess_server.open("/live/chat-6/")
    leaving = inprocess_server.open("/live/chat-6/")
    _wait_for_viewers("chat-6", 2)
    # When one of them closes its connection
    leaving.close()
    # Then the server stops following the stream for it, and the other stays
    _wait_for_viewers("chat-6", 1)
    staying.wait_for_comment("heartbeat")
    staying.close()
    _wait_for_viewers("chat-6", 0)
