"""A worker told to stop (a restart, a deploy) ends its live responses at once and properly, so
the browsers reconnect to the server that answers next, instead of waiting out the shutdown
grace period and then being cut off mid-response."""

from __future__ import annotations

import os
import signal
import socket

from torget.realtime.tests.conftest import on_postgres, publish_committed
from torget.realtime.tests.sse_client import READ_TIMEOUT_SECONDS, Address

STREAM = "chat-21"
# The last chunk of a chunked HTTP response: the response ended, not the connection.
LAST_CHUNK = b"\r\n0\r\n\r\n"


def _read_until(sock: socket.socket, received: bytes, marker: bytes) -> bytes:
    while marker not in received:
        data = sock.recv(65536)
        assert data, f"the connection closed before {marker!r}: {received!r}"
        received += data
    return received


@on_postgres
def test_a_stopping_worker_ends_its_live_streams_properly(postgres_workers: Address) -> None:
    # Given a viewer that has received the stream's first event from one of two workers
    publish_committed(STREAM, number=1)
    sock = socket.create_connection(
        (postgres_workers.host, postgres_workers.port), timeout=READ_TIMEOUT_SECONDS
    )
    sock.sendall(
        f"GET /live/{STREAM}/?last_event_id=0 HTTP/1.1\r\nHost: {postgres_workers.host}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    received = _read_until(sock, b"", b"id: 1\n")
    head = received.split(b"\r\n\r\n", 1)[0].decode().lower()
    worker = int(head.split("x-worker-pid: ", 1)[1].split("\r\n", 1)[0])
    # When that worker is told to stop, as a restart does
    os.kill(worker, signal.SIGTERM)
    # Then the response ends with its last chunk before the connection closes: it was not cut
    # off after the grace period
    while data := sock.recv(65536):
        received += data
    sock.close()
    assert received.endswith(LAST_CHUNK), received[-200:]
