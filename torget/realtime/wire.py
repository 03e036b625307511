"""The server-sent-events wire format and the values that travel between the parts.

An event is encoded once per worker process into a ``Frame`` whose bytes are written to every
viewer as they are; nothing here depends on Django, so the encoding can be checked alone.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any

# Kinds become the SSE ``event:`` field; a line break there would forge another field.
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_.-]*")
HEARTBEAT = b": heartbeat\n\n"
# Browsers wait this long before reconnecting; spread over a range so that the viewers of a
# restarted worker do not all come back in the same instant.
RETRY_MILLISECONDS = (2000, 6000)
_EVENT_ID = re.compile(r"[0-9]+")
# Sequence numbers are PostgreSQL bigints; a longer number cannot be one we sent.
_EVENT_ID_MAX_DIGITS = 19


@dataclass(frozen=True, slots=True)
class Event:
    stream: str
    seq: int
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Frame:
    """One event as it goes out on the wire; ``data`` is shared by every viewer."""

    seq: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Announcement:
    """What a broker carries between processes: "stream has reached seq". ``event`` rides
    along when it fits, else the hub reads it from the database."""

    stream: str
    seq: int
    event: Event | None = None


class InvalidEventId(ValueError):
    """A Last-Event-ID that is not an event number."""


def payload_json(payload: dict[str, Any]) -> str:
    # Compact, without ASCII escapes, and with sorted keys: PostgreSQL's jsonb gives keys back
    # in an order of its own, and an event must be the same bytes whether a viewer gets it
    # live or read back from the database.
    return json.dumps(
        payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True
    )


def encode(event: Event) -> Frame:
    data = f"id: {event.seq}\nevent: {event.kind}\ndata: {payload_json(event.payload)}\n\n"
    return Frame(seq=event.seq, data=data.encode())


def retry_frame() -> bytes:
    low, high = RETRY_MILLISECONDS
    return f"retry: {random.randint(low, high)}\n\n".encode()


def parse_event_id(raw: str | None) -> int | None:
    """``None`` for "not given"; otherwise the number, or ``InvalidEventId``.

    Only plain ASCII digits count: ``int()`` alone would also take "+5", " 5", "1_0" and
    digits from other scripts, none of which an EventSource ever sends.
    """
    if raw is None or raw == "":
        return None
    if not _EVENT_ID.fullmatch(raw) or len(raw.lstrip("0")) > _EVENT_ID_MAX_DIGITS:
        raise InvalidEventId(raw)
    return int(raw)
