"""The live answer every live page gives: ``return sse_response(request, stream=...)``.

A viewer says where it is with the ``Last-Event-ID`` header (sent by the browser's
EventSource when it reconnects) or, on its first connection, with ``?last_event_id=N`` (the
number the page was rendered at). It then receives exactly the events after that number —
the missed ones first, from memory or the database, then live ones — with a heartbeat comment
when the stream is quiet. A viewer dropped for falling behind sees its stream end, and its
browser reconnects and carries on from the last event it received.

The view's answer only names the stream and the viewer's place in it; the live layer in
front of Django (``torget.realtime.asgi``) holds the connection and sends ``frames``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from torget.realtime import queries
from torget.realtime.hub import BEAT, BrokerUnavailable, Hub, get_hub, started_hub
from torget.realtime.trace import write_trace
from torget.realtime.wire import InvalidEventId, parse_event_id, retry_frame

NOT_A_NUMBER = _(
    "Last-Event-ID must be the number of the last event received, written with the digits 0-9 only."
)
FROM_THE_FUTURE = _(
    "Last-Event-ID %(event_id)s is from the future: the newest event on this stream is "
    "number %(last_seq)s. Reload the page to start again."
)
UNAVAILABLE = _("Live updates are unavailable right now. Reload the page in a moment.")
UNAVAILABLE_RETRY_AFTER_SECONDS = 10

# The headers of a live view's answer that the live layer reads (and takes off): the stream,
# and the number of the last event the viewer has (absent on a first visit without one).
HOLD_STREAM = "Torget-Live-Stream"
HOLD_AFTER = "Torget-Live-After"


def _refusal(message: str | Promise, *, status: int) -> HttpResponse:
    return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


def sse_response(request: HttpRequest, *, stream: str) -> HttpResponse:
    """Answer with the live stream ``stream``, or with 400 for a Last-Event-ID that is not a
    number or is beyond the stream's newest event, or 503 when the broker is unreachable.

    Called by a view that has just checked that the requester may follow the stream. The
    answer is empty: the live layer keeps its connection and sends the stream's frames.
    """
    # The header wins: the browser keeps the first URL, query and all, for every reconnect.
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    try:
        after = parse_event_id(raw)
    except InvalidEventId:
        return _refusal(NOT_A_NUMBER, status=400)
    try:
        hub: Hub | None = started_hub()
    except BrokerUnavailable:
        hub = None
    known = None if hub is None else hub.known_head(stream)
    if after is not None and (known is None or after > known):
        last_seq = queries.head(stream)
        if after > last_seq:
            return _refusal(FROM_THE_FUTURE % {"event_id": after, "last_seq": last_seq}, status=400)
    if hub is None:
        unavailable = _refusal(UNAVAILABLE, status=503)
        unavailable["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
        return unavailable
    response = HttpResponse(content_type="text/event-stream")
    response[HOLD_STREAM] = stream
    if after is not None:
        response[HOLD_AFTER] = str(after)
    response["Cache-Control"] = "no-cache"
    # nginx and similar proxies would otherwise hold the events back in their buffers.
    response["X-Accel-Buffering"] = "no"
    return response


async def frames(stream: str, *, after: int | None) -> AsyncGenerator[bytes, None]:
    """The frames of ``stream`` for a viewer that has every event up to ``after``: the missed
    ones, then the live ones, as this worker's hub receives them. Runs on the event loop."""
    trace = write_trace()
    # The first bytes go out before any waiting, so the browser sees the stream open at once.
    yield retry_frame()
    hub = get_hub()
    # Subscribing here rather than in the view means a response that is never sent (the
    # client left first) never leaves a viewer behind: this generator's end unsubscribes.
    subscription = await hub.subscribe(stream, after=after)
    try:
        sent = subscription.after
        if subscription.backlog:
            # What it missed goes out in one write: after a restart every viewer catches up
            # at once, and a write per missed event was most of what catching up cost.
            yield b"".join(frame.data for frame in subscription.backlog)
            sent = subscription.backlog[-1].seq
            if trace is not None:  # benchmarks only: see torget.realtime.trace
                for frame in subscription.backlog:
                    trace.wrote(stream, frame.seq)
        queue = subscription.viewer.queue
        while True:
            frame_or_end = await queue.get()
            if frame_or_end is BEAT:
                yield BEAT.data  # the hub's heartbeat round found this stream quiet
                continue
            if frame_or_end is None:
                return  # dropped for falling behind: the browser reconnects and catches up
            if frame_or_end.seq <= sent:
                continue  # already sent from the backlog
            if frame_or_end.seq != sent + 1:
                return  # cannot happen while the hub keeps its order; a reconnect repairs it
            yield frame_or_end.data
            sent = frame_or_end.seq
            if trace is not None:
                trace.wrote(stream, sent)
    finally:
        hub.unsubscribe(subscription.viewer)
