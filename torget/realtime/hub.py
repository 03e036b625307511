"""One hub per worker process: it hears every announcement from the broker, encodes each
event once, and puts the same bytes into the queue of every viewer of that stream.

It also keeps quiet streams alive: every ``REALTIME_HEARTBEAT_SECONDS`` it puts ``BEAT`` into
the queue of each viewer that was given nothing since the previous round. One timer for the
whole process, rather than one per viewer re-armed at every event, which cost more than
writing the event itself.

When the server is told to stop, the hub ends every live response at once, so the browsers
reconnect to the next server instead of waiting out the shutdown's grace period.

Per stream the hub keeps the number of the last event it delivered and a ring of the most
recent frames, so a reconnecting viewer is usually answered from memory. Announcements may
arrive late, twice or out of order (two threads committing one after the other may announce
in the opposite order; Redis forgets while we reconnect): the hub delivers strictly in number
order, ignores what it already has, and reads any missing numbers from the database. So every
viewer queue receives N, N+1, N+2, … with nothing skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import itertools
import logging
import signal
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any, Final

from django.conf import settings

from torget.realtime import queries
from torget.realtime.broker import Broker, get_broker
from torget.realtime.wire import HEARTBEAT, Announcement, Event, Frame, encode

logger = logging.getLogger(__name__)

# Frames kept per stream for catching up without the database.
RING_SIZE = 256
# How long a new viewer waits for the broker's first subscription before being told to retry.
BROKER_READY_SECONDS = 10.0


class BrokerUnavailable(Exception):
    """The broker could not be reached in time; live updates cannot start."""


class _Resync:
    """Inbox marker: the broker reconnected, so re-read every stream from the database."""


_RESYNC: Final = _Resync()
# Put in a quiet viewer's queue for a heartbeat comment; never counted as an event.
BEAT: Final = Frame(seq=-1, data=HEARTBEAT)


class Viewer:
    """One open live response. The queue ends with ``None`` when the hub drops the viewer."""

    __slots__ = ("queue", "quiet", "stream")

    def __init__(self, stream: str, backlog_limit: int) -> None:
        self.stream = stream
        self.queue: asyncio.Queue[Frame | None] = asyncio.Queue(maxsize=backlog_limit)
        # Nothing was put in the queue since the last heartbeat round.
        self.quiet = True


@dataclass(frozen=True, slots=True)
class Subscription:
    viewer: Viewer
    # The viewer has every event up to this number: live frames at or below it are repeats.
    after: int
    # What it missed, in order, before the frames that will arrive in its queue.
    backlog: list[Frame]


class _Channel:
    """The hub's state for one stream. ``ring`` holds consecutive frames ending at ``last``."""

    __slots__ = ("last", "lock", "name", "ring", "viewers")

    def __init__(self, name: str) -> None:
        self.name = name
        self.last: int | None = None
        self.viewers: set[Viewer] = set()
        self.ring: deque[Frame] = deque(maxlen=RING_SIZE)
        # Held while the channel is loaded or advanced, so a viewer joins between two
        # deliveries and never in the middle of one.
        self.lock = asyncio.Lock()

    def frames_after(self, after: int) -> list[Frame] | None:
        """The frames numbered after ``after`` from memory, or ``None`` if memory does not
        reach back that far."""
        assert self.last is not None
        if after >= self.last:
            return []
        if not self.ring or self.ring[0].seq > after + 1:
            return None
        return list(itertools.islice(self.ring, after + 1 - self.ring[0].seq, None))


class Hub:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.loop = asyncio.get_running_loop()
        self.backlog_limit: int = settings.REALTIME_VIEWER_BACKLOG
        self.heartbeat_seconds: int = settings.REALTIME_HEARTBEAT_SECONDS
        self._channels: dict[str, _Channel] = {}
        self._inbox: asyncio.Queue[Announcement | _Resync] = asyncio.Queue()
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._stop_signal_heard = False

    # Viewers -----------------------------------------------------------------------------

    def known_head(self, stream: str) -> int | None:
        """The last number this hub delivered on ``stream``, if it follows the stream."""
        channel = self._channels.get(stream)
        return None if channel is None else channel.last

    def listening(self) -> bool:
        """Started, subscribed to the broker, and its loop still running."""
        return self._ready.is_set() and bool(self._tasks) and self.loop.is_running()

    def viewer_count(self, stream: str) -> int:
        channel = self._channels.get(stream)
        return 0 if channel is None else len(channel.viewers)

    async def start(self) -> None:
        """Start listening (on the first viewer: ``torget serve`` runs without a lifespan
        hook) and wait until the broker's subscription is in place, so that nothing
        committed after a viewer's catch-up read can pass unheard."""
        if not self._tasks:
            # The hub outlives the request that woke it: give its tasks a context of their
            # own rather than a copy of that request's.
            context = contextvars.Context()
            self._tasks = [
                self.loop.create_task(self._pump(), context=context),
                self.loop.create_task(self._beat(), context=context),
                self.loop.create_task(
                    self.broker.listen(
                        on_announcement=self._inbox.put_nowait, on_connected=self._connected
                    ),
                    context=context,
                ),
            ]
            for task in self._tasks:
                task.add_done_callback(self._stopped)
            if not self._stop_signal_heard:  # once: a restarted hub keeps the same handler
                self._stop_signal_heard = True
                _end_streams_on_stop_signal(self)
        if not self._ready.is_set():
            try:
                async with asyncio.timeout(BROKER_READY_SECONDS):
                    await self._ready.wait()
            except TimeoutError:
                raise BrokerUnavailable from None

    async def subscribe(self, stream: str, *, after: int | None) -> Subscription:
        """Register a viewer that has every event up to ``after`` (``None``: start from now).

        The viewer is registered before its backlog is read, under the channel's lock: every
        event up to the channel's head at that moment is in the backlog, every later one
        will arrive in its queue.
        """
        await self.start()
        viewer, start, head, backlog = await self._join(stream, after)
        if backlog is None:
            try:
                events = await queries.read(queries.events_between, stream, after=start, upto=head)
            except BaseException:
                self.unsubscribe(viewer)
                raise
            backlog = [encode(event) for event in events]
        return Subscription(viewer=viewer, after=start, backlog=backlog)

    async def _join(
        self, stream: str, after: int | None
    ) -> tuple[Viewer, int, int, list[Frame] | None]:
        """Register a viewer under the channel's lock: (viewer, its start, the channel's
        head, its backlog from memory or ``None`` when the database must supply it)."""
        while True:
            channel = self._channels.get(stream)
            if channel is None:
                channel = self._channels[stream] = _Channel(stream)
            async with channel.lock:
                if self._channels.get(stream) is not channel:
                    continue  # emptied and forgotten while we waited for the lock
                if channel.last is None:
                    try:
                        await self._load(channel)
                    except BaseException:
                        self._forget_if_unwatched(channel)
                        raise
                assert channel.last is not None
                head = channel.last
                start = head if after is None else after
                viewer = Viewer(stream, self.backlog_limit)
                channel.viewers.add(viewer)
                if self._stopping:
                    self._end(channel, viewer)  # its backlog, then the end of the stream
                return viewer, start, head, channel.frames_after(start)

    def unsubscribe(self, viewer: Viewer) -> None:
        channel = self._channels.get(viewer.stream)
        if channel is None:
            return
        channel.viewers.discard(viewer)
        if not channel.lock.locked():
            self._forget_if_unwatched(channel)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._ready.clear()

    def _stopped(self, task: asyncio.Task[None]) -> None:
        """Both tasks run until cancelled; one that ends otherwise is a bug. Say so, and let
        the next viewer start the hub afresh (its first connection re-reads every stream)."""
        if task.cancelled() or task not in self._tasks:
            return
        logger.error("Live updates: the hub stopped", exc_info=task.exception())
        for other in self._tasks:
            other.cancel()
        self._tasks = []
        self._ready.clear()

    # Delivery ----------------------------------------------------------------------------

    def _connected(self) -> None:
        # Whatever was announced while the broker was away is read back from the database.
        self._inbox.put_nowait(_RESYNC)
        self._ready.set()

    async def _pump(self) -> None:
        while True:
            item = await self._inbox.get()
            try:
                if isinstance(item, _Resync):
                    for followed in list(self._channels.values()):
                        await self._advance(followed, upto=None)
                else:
                    target = self._channels.get(item.stream)
                    if target is not None:
                        await self._advance(target, upto=item.seq, event=item.event)
            except Exception:
                # The next announcement for the stream retries the read that failed here.
                logger.exception("Live updates: could not deliver %r", item)

    async def _load(self, channel: _Channel) -> None:
        head, events = await queries.read(queries.tail, channel.name, limit=RING_SIZE)
        channel.ring.extend(encode(event) for event in events)
        channel.last = head

    async def _advance(
        self, channel: _Channel, *, upto: int | None, event: Event | None = None
    ) -> None:
        """Deliver every event after the channel's head up to ``upto`` (``None``: all)."""
        async with channel.lock:
            try:
                last = channel.last
                if last is None or self._channels.get(channel.name) is not channel:
                    return  # a viewer's load of it failed, or it was forgotten
                if upto is not None and upto <= last:
                    return  # already delivered
                if event is not None and event.seq == last + 1:
                    events = [event]
                else:
                    events = await queries.read(
                        queries.events_between, channel.name, after=last, upto=upto
                    )
                self._fan_out(channel, events)
            finally:
                self._forget_if_unwatched(channel)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            for channel in tuple(self._channels.values()):
                for viewer in channel.viewers:
                    # A viewer with frames waiting has something to write already.
                    if viewer.quiet and viewer.queue.empty():
                        viewer.queue.put_nowait(BEAT)
                    viewer.quiet = True

    def _fan_out(self, channel: _Channel, events: list[Event]) -> None:
        for event in events:
            assert channel.last is not None
            if event.seq != channel.last + 1:
                # Rows are never deleted, so this is a bug; stopping keeps viewers gapless.
                logger.error(
                    "Live updates: %s jumps from %s to %s", event.stream, channel.last, event.seq
                )
                return
            frame = encode(event)  # once, for every viewer of this process
            channel.ring.append(frame)
            channel.last = event.seq
            for viewer in tuple(channel.viewers):
                try:
                    viewer.queue.put_nowait(frame)
                    viewer.quiet = False
                except asyncio.QueueFull:
                    self._drop(channel, viewer)

    def _drop(self, channel: _Channel, viewer: Viewer) -> None:
        """End a viewer that fell ``backlog_limit`` events behind. Its browser reconnects with
        Last-Event-ID and catches up, instead of holding memory for it here."""
        self._end(channel, viewer)
        logger.info("Live updates: dropped a viewer of %s that fell behind", channel.name)

    def _end(self, channel: _Channel, viewer: Viewer) -> None:
        channel.viewers.discard(viewer)
        while not viewer.queue.empty():
            viewer.queue.get_nowait()
        viewer.queue.put_nowait(None)

    def end_streams(self) -> None:
        """End every open live response now, and each one that opens from now on: the server
        is stopping. Every browser reconnects with Last-Event-ID to the server that answers
        next and catches up there."""
        self._stopping = True
        for channel in tuple(self._channels.values()):
            for viewer in tuple(channel.viewers):
                self._end(channel, viewer)

    def _forget_if_unwatched(self, channel: _Channel) -> None:
        if not channel.viewers and self._channels.get(channel.name) is channel:
            del self._channels[channel.name]


# The signals on which a server (uvicorn) stops gracefully.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _end_streams_on_stop_signal(hub: Hub) -> None:
    """A stopping server waits for its open responses to end, and live ones never end by
    themselves: uvicorn cut them only after its grace period, seconds in which every viewer of
    the worker waited for nothing. So when the server's stop signal arrives, the hub ends its
    streams at once, and then the server's own handler runs as it would have.

    Signals are handled in the main thread only, where uvicorn runs a worker's event loop;
    uvicorn puts back the handlers it replaced once it has stopped, and this one goes with them.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for number in STOP_SIGNALS:
        previous = signal.getsignal(number)
        if callable(previous):  # a server's handler; the default actions are left alone
            signal.signal(number, functools.partial(_on_stop_signal, hub, previous))


def _on_stop_signal(
    hub: Hub, previous: Callable[[int, FrameType | None], Any], number: int, frame: FrameType | None
) -> None:
    with contextlib.suppress(RuntimeError):  # that hub's loop has closed
        hub.loop.call_soon_threadsafe(hub.end_streams)
    previous(number, frame)


_hub: Hub | None = None


def get_hub() -> Hub:
    """The hub of the running event loop. uvicorn runs one loop per worker process, so this
    is one hub per process; a new loop (a restarted test server) gets a new hub. The live
    layer (``torget.realtime.asgi``) calls it for every request, so that the views, on their
    threads, find the hub of the loop that serves them."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        _hub = Hub(get_broker())
    return _hub


def started_hub() -> Hub:
    """From a request's thread: the hub of the event loop serving the request, listening.

    Once the broker's subscription is in place this is one look at a module variable; only
    the first viewer of a worker (and any while the broker is away) waits for the loop to
    start the hub and for the broker. ``BrokerUnavailable`` when the broker does not answer,
    or when no event loop serves this process (Django's development server, say).
    """
    hub = _hub
    if hub is not None and hub.listening():
        return hub
    if hub is None or hub.loop.is_closed() or not hub.loop.is_running():
        raise BrokerUnavailable("no event loop serves live streams in this process")
    return asyncio.run_coroutine_threadsafe(_started_hub_on(hub), hub.loop).result()


async def _started_hub_on(hub: Hub) -> Hub:
    await hub.start()
    return hub
