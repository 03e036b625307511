"""Django's ASGI handler, with fewer hand-overs between the event loop and threads.

Under ASGI Django loads the middleware for async use, and hands each request over to a
thread several times: for the ``request_started`` signal, for the synchronous middleware,
back to the loop (Django's async core, which resolves the URL), to the thread again for the
view, and once more to close the response (``request_finished``) — each time waiting for the
other side to take the GIL, on every page and every form sent. Torget's middleware and pages
are synchronous, so here the middleware is loaded a second time for synchronous use, as under
WSGI, and a request whose view is synchronous goes to its thread once: the signals, the
middleware, the view and the closing of a complete response all run in one ``sync_to_async``
call, on the request's own thread (where its database connection is opened and closed). Only
reading the body and sending the response stay on the loop. A request for an asynchronous
view (the live streams) takes Django's async path unchanged, so a stream holds no thread while
it waits for events.

A live stream's response (``LiveStreamingResponse``) is written part by part as its iterator
gives them; Django's own path wraps every part in two more generators and a chunking loop,
which a stream with thousands of viewers pays for on every event.

Django also gives every request a thread of its own, started for it and stopped after it
(asgiref's ``ThreadSensitiveContext``). Here that thread is taken from a small set kept for
the next request, as a WSGI server keeps its threads, instead of being started anew.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from typing import Any

from asgiref.sync import ThreadSensitiveContext, iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, get_resolver, set_script_prefix

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

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # Django refuses it
            return
        thread = (
            self._idle_threads.pop()
            if self._idle_threads
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="torget-request")
        )
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle_threads) < IDLE_THREADS:
                self._idle_threads.append(thread)
            else:
                thread.shutdown(wait=False)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if view_is_async(path_info(scope)):
            await super().handle(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            respond = sync_to_async(self._respond, thread_sensitive=True)
            response = await respond(scope, body_file)
            await self.send_response(response, send)
            if response.streaming:  # closed once its last part is sent
                await sync_to_async(response.close, thread_sensitive=True)()
        finally:
            body_file.close()

    async def send_response(self, response: HttpResponseBase, send: Any) -> None:
        if not isinstance(response, LiveStreamingResponse):
            await super().send_response(response, send)
            return
        await send(start_message(response))
        async with aclosing(response.parts) as parts:
            async for part in parts:
                await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body"})

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """Everything of a synchronous view's request that is not sending: on one thread.

        A response that is not streamed is complete here, so it is closed (which sends
        ``request_finished`` and closes the database connection) before it is sent, in the same
        hand-over. A synchronous view cannot be stopped when its client goes away, so nothing
        listens for the disconnect meanwhile; what it has stored stays stored.
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
        if not response.streaming:
            response.close()
        return response


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


def path_info(scope: dict[str, Any]) -> str:
    """The request's path below the script prefix, as Django's request will have it."""
    path: str = scope["path"]
    return path.removeprefix(get_script_prefix(scope))


def view_is_async(path_info: str) -> bool:
    """Whether the URL's view is a coroutine function (a path no view answers: not)."""
    try:
        match = get_resolver(settings.ROOT_URLCONF).resolve(path_info)
    except Resolver404:
        return False
    view: Any = match.func
    return iscoroutinefunction(view)
