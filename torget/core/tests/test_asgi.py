"""Torget's ASGI handler: a request runs its middleware, view and signals on one thread, kept
for the next request; an asynchronous view runs on the event loop; a live stream gives its
thread back while it is open and stops when its client leaves."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from pytest_django import Settings

from torget.core.asgi import TorgetASGIHandler
from torget.core.tests import asgi_urls

pytestmark = pytest.mark.django_db(transaction=True)

URLS = "torget.core.tests.asgi_urls"


class Call:
    def __init__(
        self, status: int, headers: dict[str, str], body: str, sent: list[dict[str, Any]]
    ) -> None:
        self.status, self.headers, self.body, self.sent = status, headers, body, sent


def scope_for(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(handler: TorgetASGIHandler, path: str) -> Call:
    scope = scope_for(path)
    sent: list[dict[str, Any]] = []
    given = False
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await handler(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return Call(start["status"], headers, body.decode(), sent)


@pytest.fixture
def signal_threads() -> Any:
    seen: dict[str, list[int]] = {"started": [], "finished": []}

    def started(**kwargs: Any) -> None:
        seen["started"].append(threading.get_ident())

    def finished(**kwargs: Any) -> None:
        seen["finished"].append(threading.get_ident())

    request_started.connect(started)
    request_finished.connect(finished)
    yield seen
    request_started.disconnect(started)
    request_finished.disconnect(finished)


def test_a_sync_view_runs_with_its_signals_on_one_kept_thread(
    settings: Settings, signal_threads: dict[str, list[int]]
) -> None:
    settings.ROOT_URLCONF = URLS
    handler = TorgetASGIHandler()

    async def two_requests() -> tuple[Call, Call, int]:
        first = await call(handler, "/sync/")
        second = await call(handler, "/sync/")
        return first, second, threading.get_ident()

    first, second, loop_thread = asyncio.run(two_requests())
    assert first.status == second.status == 200
    # The site's middleware ran (its security headers are on the response).
    assert "default-src" in first.headers["content-security-policy"]
    view_thread = int(first.body)
    assert view_thread != loop_thread
    # Signals (which close the request's database connection) ran where the view ran.
    assert signal_threads["started"][0] == view_thread
    assert signal_threads["finished"][0] == view_thread
    # The next request was served by the same thread, not a new one.
    assert int(second.body) == view_thread
    assert signal_threads["started"][1] == signal_threads["finished"][1] == view_thread


def test_an_async_view_stays_on_the_event_loop(settings: Settings) -> None:
    settings.ROOT_URLCONF = URLS
    handler = TorgetASGIHandler()

    async def one() -> tuple[Call, int]:
        return await call(handler, "/async/"), threading.get_ident()

    answer, loop_thread = asyncio.run(one())
    assert answer.status == 200
    assert int(answer.body) == loop_thread
    assert "default-src" in answer.headers["content-security-policy"]


def test_a_live_stream_sends_each_part_as_it_comes(settings: Settings) -> None:
    settings.ROOT_URLCONF = URLS
    answer = asyncio.run(call(TorgetASGIHandler(), "/live/"))
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/event-stream"
    assert "default-src" in answer.headers["content-security-policy"]
    start = answer.sent[0]
    assert (b"Set-Cookie", b"seen=yes; Path=/") in start["headers"]
    bodies = [(m.get("body", b""), m.get("more_body", False)) for m in answer.sent[1:]]
    assert bodies == [
        (b"retry: 1000\n\n", True),
        (b"id: 1\ndata: one\n\n", True),
        (b"id: 2\ndata: two\n\n", True),
        (b"", False),  # the end of the response
    ]


def test_a_path_no_view_answers_gets_the_sites_404() -> None:
    handler = TorgetASGIHandler()
    answer = asyncio.run(call(handler, "/no/such/page/"))
    assert answer.status == 404
    assert "default-src" in answer.headers["content-security-policy"]


def test_an_open_live_stream_gives_its_request_thread_back(settings: Settings) -> None:
    settings.ROOT_URLCONF = URLS
    handler = TorgetASGIHandler()

    async def scenario() -> tuple[int, int, list[str]]:
        before = int((await call(handler, "/sync/")).body)
        sent: list[dict[str, Any]] = []
        gone = asyncio.Event()
        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        stream = asyncio.create_task(handler(scope_for("/endless/"), receive, send))
        while len(sent) < 2:  # the head and the first part
            await asyncio.sleep(0.01)
        # The stream is open; the next page is served by the thread the first one had.
        after = int((await call(handler, "/sync/")).body)
        log_while_open = list(asgi_urls.endless_log)
        gone.set()  # the viewer leaves
        await asyncio.wait_for(stream, timeout=5)
        return before, after, log_while_open

    asgi_urls.endless_log.clear()
    before, after, log_while_open = asyncio.run(scenario())
    assert after == before
    assert log_while_open == ["started"]
    # Its client left, so the stream stopped (and unsubscribed, in a live page's case).
    assert asgi_urls.endless_log == ["started", "ended"]
