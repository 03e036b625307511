"""Django's ASGI handler, with fewer hand-overs between the event loop and threads.

Under ASGI Django loads the middleware for async use and hands each request over to a thread
again and again: for the ``request_started`` signal, for each synchronous middleware (and
each ``process_request``/``process_response`` of Django's own), for the view, and once more
to close the response (``request_finished``), each time waiting for the other side to take
the GIL. Torget's middleware is synchronous, so here it is loaded for synchronous use, as
under WSGI, and every request goes to its thread once: the signals, the middleware, the view
and the closing of the response all run in one ``sync_to_async`` call on the request's own
thread (where its database connection is opened and closed). Only reading the body and
sending the response stay on the loop. An asynchronous view would be run on the event loop
from that thread, as Django's synchronous handler runs one; Torget's views are synchronous,
the live streams' included (their frames come from the worker's hub on the loop).

Django gives every request a thread of its own, started for it and stopped after it
(asgiref's ``ThreadSensitiveContext``), and keeps it for as long as the response is being
sent: for a live stream, hours, so ten thousand viewers were ten thousand threads. Here the
request thread is taken from a small set kept for the next request, as a WSGI server keeps
its threads, and a live stream gives it back as soon as its response is made; the few reads
a stream makes later (catching up from the database) run on one thread shared by all of a
worker's streams.

A live stream's response (``LiveStreamingResponse``) is written part by part as its iterator
gives them (Django's own path wraps every part in two more generators and a chunking loop,
which thousands of viewers pay for on every event), until it ends or its client leaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing, asynccontextmanager
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import set_script_prefix

# Idle request threads kept per worker process; more run at once when more requests do.
IDLE_THREADS = 32


class LiveStreamingResponse(StreamingHttpResponse):
    """A response made of byte strings from an asynchronous iterator, each sent as it comes.

    Torget's handler sends every part straight from ``parts``; under another server (or the
    test client) it streams like any ``StreamingHttpResponse``.
    """

    def __init__(self, parts: AsyncGenerator[bytes, None], **kwargs: Any) -> None:
        super().__init__(parts, **kwargs)
        self.parts = parts


class TorgetASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._sync_handler = BaseHandler()
        self._sync_handler.load_middleware(is_async=False)
        # Used from the event loop's thread only, so it needs no lock.
        self._idle_threads: list[ThreadPoolExecutor] = []
        self._stream_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="torget-live")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # Django refuses it
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            async with self._request_thread():
                respond = sync_to_async(self._respond, thread_sensitive=True)
                response = await respond(scope, body_file)
                if not isinstance(response, LiveStreamingResponse):
                    await self.send_response(response, send)
                    if response.streaming:  # closed once its last part is sent
                        await sync_to_async(response.close, thread_sensitive=True)()
                    return
            # A live stream stays open for hours: it gives its request thread back, and the
            # few reads it makes meanwhile share one thread with the other streams.
            async with ThreadSensitiveContext(executor=self._stream_thread):
                await self._stream(response, receive, send)
        finally:
            body_file.close()

    @asynccontextmanager
    async def _request_thread(self) -> AsyncIterator[None]:
        thread = (
            self._idle_threads.pop()
            if self._idle_threads
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="torget-request")
        )
        try:
            async with ThreadSensitiveContext(executor=thread):
                yield
        finally:
            if len(self._idle_threads) < IDLE_THREADS:
                self._idle_threads.append(thread)
            else:
                thread.shutdown(wait=False)

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """Everything of a request that is not reading or sending: on the request's thread.

        An asynchronous view would be run on the event loop from here, as the synchronous
        middleware calls it. A response that is complete here is closed (which
        sends ``request_finished`` and closes the database connection) before it is sent, in
        the same hand-over; so is a live one, whose stream needs no connection of the request.
        A synchronous view cannot be stopped when its client goes away, so nothing listens for
        the disconnect meanwhile; what it has stored stays stored.
        """
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self._sync_handler.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        assert response is not None
        if not response.streaming or isinstance(response, LiveStreamingResponse):
            response.close()
        return response

    async def _stream(self, response: LiveStreamingResponse, receive: Any, send: Any) -> None:
        """Send a live response until it ends or its client leaves. uvicorn ignores what is
        sent to a client that has gone, so without listening the stream would go on for no
        one, subscribed to its events."""
        sending = asyncio.ensure_future(self.send_response(response, send))
        leaving = asyncio.ensure_future(self.listen_for_disconnect(receive))
        try:
            await asyncio.wait((sending, leaving), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sending, leaving):
                task.cancel()
            outcome, _left = await asyncio.gather(sending, leaving, return_exceptions=True)
        if isinstance(outcome, Exception):
            raise outcome

    async def send_response(self, response: HttpResponseBase, send: Any) -> None:
        if not isinstance(response, LiveStreamingResponse):
            await super().send_response(response, send)
            return
        await send(start_message(response))
        async with aclosing(response.parts) as parts:
            async for part in parts:
                await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body"})


def start_message(response: HttpResponseBase) -> dict[str, Any]:
    """The ASGI message that starts ``response``: its status, headers and cookies."""
    headers = [
        (
            header.encode("ascii") if isinstance(header, str) else bytes(header),
            value.encode("latin1") if isinstance(value, str) else bytes(value),
        )
        for header, value in response.items()
    ]
    headers.extend(
        (b"Set-Cookie", cookie.output(header="").encode("ascii").strip())
        for cookie in response.cookies.values()
    )
    return {"type": "http.response.start", "status": response.status_code, "headers": headers}
