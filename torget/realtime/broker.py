"""Brokers carry "stream S has reached number N" from the process that published to every
worker process's hub. One small interface, three backends, chosen by ``REALTIME_BROKER``:

- ``inprocess``: after commit, straight to the hub(s) of this process. One worker only.
- ``postgres``: ``NOTIFY`` inside the publishing transaction, so PostgreSQL itself delivers it
  on commit, in commit order, and drops it on rollback; each worker ``LISTEN``s on one
  dedicated connection.
- ``redis``: ``PUBLISH`` after commit; each worker subscribes. Redis keeps nothing for a
  subscriber that was away.

No broker has to be reliable: a hub that sees number N while it last saw N-2 reads the missing
event from the database, and after a lost connection it reads everything newer than what it
has. The event itself rides along when it is small, so that usually no read is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

import psycopg
import redis
import redis.asyncio
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from torget.realtime.wire import Announcement, Event, payload_json

logger = logging.getLogger(__name__)

CHANNEL = "torget_realtime"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; larger events are read instead.
ANNOUNCEMENT_LIMIT_BYTES = 7900
RECONNECT_FIRST_DELAY_SECONDS = 0.5
RECONNECT_MAX_DELAY_SECONDS = 10.0

OnAnnouncement = Callable[[Announcement], None]
OnConnected = Callable[[], None]


class Broker(Protocol):
    def publish(self, events: Sequence[Event]) -> None:
        """Called inside the publishing transaction with its events, in order; must deliver
        them only if it commits."""

    async def listen(self, *, on_announcement: OnAnnouncement, on_connected: OnConnected) -> None:
        """Run until cancelled, on the hub's event loop, calling ``on_connected`` each time
        the subscription is (re-)established and ``on_announcement`` for each announcement."""


def announcement_text(event: Event) -> str:
    full = (
        f'{{"stream":{json.dumps(event.stream)},"seq":{event.seq},'
        f'"kind":{json.dumps(event.kind)},"payload":{payload_json(event.payload)}}}'
    )
    if len(full.encode()) <= ANNOUNCEMENT_LIMIT_BYTES:
        return full
    return json.dumps({"stream": event.stream, "seq": event.seq})


def parse_announcement(text: str | bytes) -> Announcement | None:
    try:
        data = json.loads(text)
        stream, seq = data["stream"], data["seq"]
        if not isinstance(stream, str) or not isinstance(seq, int):
            raise TypeError("stream or seq of the wrong type")
        event = None
        if "payload" in data:
            event = Event(stream=stream, seq=seq, kind=str(data["kind"]), payload=data["payload"])
    except (ValueError, KeyError, TypeError):
        logger.warning("Ignoring an announcement that is not ours: %.200r", text)
        return None
    return Announcement(stream=stream, seq=seq, event=event)


class _Reconnecting:
    """Backoff between attempts of a listener whose connection failed."""

    def __init__(self) -> None:
        self.delay = RECONNECT_FIRST_DELAY_SECONDS

    def reset(self) -> None:
        self.delay = RECONNECT_FIRST_DELAY_SECONDS

    async def wait(self) -> None:
        await asyncio.sleep(self.delay)
        self.delay = min(self.delay * 2, RECONNECT_MAX_DELAY_SECONDS)


class InProcessBroker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: tuple[tuple[asyncio.AbstractEventLoop, OnAnnouncement], ...] = ()

    def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            announcement = Announcement(stream=event.stream, seq=event.seq, event=event)
            transaction.on_commit(partial(self._deliver, announcement))

    def _deliver(self, announcement: Announcement) -> None:
        # Runs in whichever thread committed; the hub lives on its event loop's thread.
        for loop, on_announcement in self._listeners:
            # A closed loop's listener is on its way out; it has no viewers left to tell.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(on_announcement, announcement)

    async def listen(self, *, on_announcement: OnAnnouncement, on_connected: OnConnected) -> None:
        entry = (asyncio.get_running_loop(), on_announcement)
        with self._lock:
            self._listeners = (*self._listeners, entry)
        try:
            on_connected()
            await asyncio.get_running_loop().create_future()
        finally:
            with self._lock:
                self._listeners = tuple(item for item in self._listeners if item is not entry)


# Several notifications in one statement, sent in the order given.
_NOTIFY_ALL = (
    "SELECT pg_notify(%s, text) FROM unnest(%s::text[]) WITH ORDINALITY AS a(text, n) ORDER BY n"
)


class PostgresBroker:
    def __init__(self, *, alias: str = DEFAULT_DB_ALIAS) -> None:
        if connections[alias].vendor != "postgresql":
            raise ImproperlyConfigured(
                "REALTIME_BROKER=postgres needs PostgreSQL (DATABASE_URL=postgres://…), and "
                f"the database is {connections[alias].display_name}, which has no "
                "LISTEN/NOTIFY. Use REALTIME_BROKER=inprocess with one worker."
            )
        self.alias = alias

    def publish(self, events: Sequence[Event]) -> None:
        texts = [announcement_text(event) for event in events]
        with connections[self.alias].cursor() as cursor:
            if len(texts) == 1:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, texts[0]])
            elif texts:
                cursor.execute(_NOTIFY_ALL, [CHANNEL, texts])

    def connect_params(self) -> dict[str, Any]:
        """Django's own connection parameters, without the parts that only fit its cursors."""
        params = dict(connections[self.alias].get_connection_params())
        params.pop("cursor_factory", None)
        params.pop("context", None)
        return params

    async def listen(self, *, on_announcement: OnAnnouncement, on_connected: OnConnected) -> None:
        backoff = _Reconnecting()
        while True:
            try:
                connection = await psycopg.AsyncConnection.connect(
                    **self.connect_params(), autocommit=True
                )
                async with connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    backoff.reset()
                    on_connected()
                    async for notify in connection.notifies():
                        announcement = parse_announcement(notify.payload)
                        if announcement is not None:
                            on_announcement(announcement)
            except psycopg.Error as error:
                logger.warning("Live updates: PostgreSQL LISTEN connection lost: %s", error)
            await backoff.wait()


class RedisBroker:
    def __init__(self) -> None:
        if not settings.REDIS_URL:
            raise ImproperlyConfigured("REALTIME_BROKER=redis needs REDIS_URL=redis://…")
        self.url: str = settings.REDIS_URL
        self._client: redis.Redis | None = None

    def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            # robust: Redis being away must not fail an action that has already committed;
            # the viewers get the event with the next one, or on reconnect.
            transaction.on_commit(partial(self._send, announcement_text(event)), robust=True)

    def _send(self, text: str) -> None:
        self._sync_client().publish(CHANNEL, text)

    def _sync_client(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(self.url)
        return self._client

    async def listen(self, *, on_announcement: OnAnnouncement, on_connected: OnConnected) -> None:
        backoff = _Reconnecting()
        while True:
            client = redis.asyncio.Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        # Only once Redis confirms is every later PUBLISH sure to reach us.
                        if message["type"] == "subscribe":
                            backoff.reset()
                            on_connected()
                        elif message["type"] == "message":
                            announcement = parse_announcement(message["data"])
                            if announcement is not None:
                                on_announcement(announcement)
            except (redis.RedisError, OSError) as error:
                logger.warning("Live updates: Redis subscription lost: %s", error)
            finally:
                await client.aclose()
            await backoff.wait()


_FACTORIES: dict[str, Callable[[], Broker]] = {
    "inprocess": InProcessBroker,
    "postgres": PostgresBroker,
    "redis": RedisBroker,
}
_instances: dict[tuple[str, str], Broker] = {}
_instances_lock = threading.Lock()


def get_broker() -> Broker:
    """The process's broker for ``settings.REALTIME_BROKER``: one instance per backend (and
    per Redis address), since the in-process one is where the hubs of this process listen."""
    name = settings.REALTIME_BROKER
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ImproperlyConfigured(
            f"REALTIME_BROKER={name!r}: use one of {', '.join(sorted(_FACTORIES))}"
        )
    key = (name, settings.REDIS_URL if name == "redis" else "")
    with _instances_lock:
        broker = _instances.get(key)
        if broker is None:
            broker = _instances[key] = factory()
        return broker
