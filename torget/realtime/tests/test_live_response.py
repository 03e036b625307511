"""The live response starts at once, passes the site's middleware (the Content-Security-Policy
included) without being buffered, tells the browser when to retry, and beats while quiet."""

from __future__ import annotations

from torget.realtime.tests.sse_client import Address


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
    assert "default-src 'self'" in (viewer.header("Content-Security-Policy") or "")
    # ... the browser learns how long to wait before reconnecting
    # ... and comment lines keep arriving while nothing happens
    viewer.wait_for_comment("heartbeat")
    viewer.comments.clear()
    viewer.wait_for_comment("heartbeat")
    assert viewer.retry is not None
    assert 2000 <= viewer.retry <= 6000
    viewer.close()
