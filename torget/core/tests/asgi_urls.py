"""Test-only views for test_asgi: each tells which thread it ran on."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator

from django.http import HttpRequest, HttpResponse
from django.urls import path

from torget.core.asgi import LiveStreamingResponse


def sync_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(threading.get_ident()))


async def async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(threading.get_ident()))


async def live_view(request: HttpRequest) -> LiveStreamingResponse:
    async def parts() -> AsyncGenerator[bytes, None]:
        yield b"retry: 1000\n\n"
        yield b"id: 1\ndata: one\n\n"
        yield b"id: 2\ndata: two\n\n"

    response = LiveStreamingResponse(parts(), content_type="text/event-stream")
    response.set_cookie("seen", "yes")
    return response


# What the endless stream below has done: "started" on its first part, "ended" when it stops.
endless_log: list[str] = []


async def endless_view(request: HttpRequest) -> LiveStreamingResponse:
    """A stream that never ends by itself, as a quiet live page."""

    async def parts() -> AsyncGenerator[bytes, None]:
        endless_log.append("started")
        try:
            yield b": open\n\n"
            await asyncio.Event().wait()
        finally:
            endless_log.append("ended")

    return LiveStreamingResponse(parts(), content_type="text/event-stream")


urlpatterns = [
    path("sync/", sync_view),
    path("async/", async_view),
    path("live/", live_view),
    path("endless/", endless_view),
]
