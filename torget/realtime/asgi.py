"""The live streams, served beside Django: a small ASGI layer in front of Django's own handler.

A live view is an ordinary Django view: the middleware runs, the view checks who asks and
what they may follow, and it answers with an empty response that names the stream and the
viewer's place in it (``torget.realtime.sse.sse_response``). Django's request is then over --
its thread and database connection go back as after any page. This layer sees that answer
go by, keeps the connection open and sends the stream's events from the worker's hub on the
event loop until the client leaves, so that ten thousand viewers cost ten thousand small
coroutines and no thread each. Every other response passes through untouched. (Proxies such
as Pushpin hold connections the same way, on a header from the application.)
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any

from torget.realtime.hub import get_hub
from torget.realtime.sse import HOLD_AFTER, HOLD_STREAM, frames

Scope = dict[str, Any]
Message = dict[str, Any]

_HOLD_HEADERS = (HOLD_STREAM.lower().encode("ascii"), HOLD_AFTER.lower().encode("ascii"))


class LiveStreams:
    """ASGI middleware: hold the connections of the live views' answers and stream to them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        get_hub()  # so that a live view, on its thread, finds the hub of this loop
        held: list[Message] = []

        async def send_unless_held(message: Message) -> None:
            if message["type"] == "http.response.start" and _names_a_stream(message):
                held.append(message)
            elif not held:
                await send(message)
            # else: the held answer's empty body, which the stream replaces

        await self.app(scope, receive, send_unless_held)
        if held:
            await _stream(held[0], receive, send)


def _names_a_stream(start: Message) -> bool:
    return any(name.lower() == _HOLD_HEADERS[0] for name, _value in start["headers"])


async def _stream(start: Message, receive: Any, send: Any) -> None:
    """Send the held stream until it ends or its client leaves. uvicorn ignores what is sent
    to a client that has gone, so without listening the stream would go on for no one,
    subscribed to its events."""
    stream, after, headers = "", None, []
    for name, value in start["headers"]:
        lowered = name.lower()
        if lowered == _HOLD_HEADERS[0]:
            stream = value.decode("ascii")
        elif lowered == _HOLD_HEADERS[1]:
            after = int(value) if value else None
        elif lowered != b"content-length":  # the held answer's, which was empty
            headers.append((name, value))

    async def sending() -> None:
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        async with aclosing(frames(stream, after=after)) as parts:
            async for part in parts:
                await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body"})

    async def leaving() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    tasks = (asyncio.ensure_future(sending()), asyncio.ensure_future(leaving()))
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        outcome, _left = await asyncio.gather(*tasks, return_exceptions=True)
    if isinstance(outcome, Exception):
        raise outcome
