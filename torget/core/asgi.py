"""Django's ASGI handler, with fewer hand-overs between the event loop and threads.

Under ASGI Django loads the middleware for async use. Torget's middleware is synchronous, so
each request of a synchronous view went from the event loop to a thread (the middleware), back
to the loop (Django's async core, which resolves the URL) and to the thread again (the view),
and the same way back: six hand-overs between threads instead of two, each waiting for the
other to take the GIL, on every page and every form sent. Here the middleware is loaded a
second time for synchronous use, as under WSGI, and a request whose view is synchronous runs
through it in one ``sync_to_async`` call: on the request's own thread, the one Django's
request signals (which close the database connection) run on. A request for an asynchronous
view (the live streams) takes Django's async path unchanged, so a stream holds no thread while
it waits for events.

Django also gives every request a thread of its own, started for it and stopped after it
(asgiref's ``ThreadSensitiveContext``): the request's synchronous work, its signals and the
closing of its response all run there, so its database connection is opened and closed on
one thread. Here that thread is taken from a small set kept for the next request, as a WSGI
server keeps its threads, instead of being started anew.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, get_resolver

# Idle request threads kept per worker process; more run at once when more requests do.
IDLE_THREADS = 32


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

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        if view_is_async(request):
            response: HttpResponseBase = await super().get_response_async(request)
            return response
        get_response = sync_to_async(self._sync_handler.get_response, thread_sensitive=True)
        return await get_response(request)


def view_is_async(request: HttpRequest) -> bool:
    """Whether the URL's view is a coroutine function (a path no view answers: not)."""
    try:
        match = get_resolver(settings.ROOT_URLCONF).resolve(request.path_info)
    except Resolver404:
        return False
    view: Any = match.func
    return iscoroutinefunction(view)
