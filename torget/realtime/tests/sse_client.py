"""A small blocking SSE reader over the standard library's HTTP client, for real servers.

Every read has a socket timeout, so a test that waits for an event which never comes fails
instead of hanging.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

READ_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Received:
    id: int
    kind: str
    data: dict[str, Any]


@dataclass
class Address:
    host: str
    port: int

    def open(
        self, path: str, *, last_event_id: str | None = None, query: dict[str, str] | None = None
    ) -> LiveStream:
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        if query:
            path = f"{path}?{urlencode(query)}"
        return LiveStream(self, path, headers)

    def post(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=READ_TIMEOUT_SECONDS)
        try:
            connection.request(
                "POST",
                path,
                body=urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200, body
            result: dict[str, Any] = json.loads(body)
            return result
        finally:
            connection.close()


@dataclass
class LiveStream:
    address: Address
    path: str
    request_headers: dict[str, str]
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection(
            self.address.host, self.address.port, timeout=READ_TIMEOUT_SECONDS
        )
        self.connection.request("GET", self.path, headers=self.request_headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status

    def header(self, name: str) -> str | None:
        return self.response.getheader(name)

    def body(self) -> str:
        return self.response.read().decode()

    def _field_line(self) -> str | None:
        """The next line that is not a comment or ``retry:`` (those are recorded), or ``None``
        when the server ended the stream."""
        while True:
            raw = self.response.readline()
            if not raw:
                return None
            line = raw.decode().rstrip("\n")
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
            elif line.startswith("retry:"):
                self.retry = int(line.removeprefix("retry:").strip())
            else:
                return line

    def next_event(self) -> Received | None:
        """The next event, or ``None`` when the server ended the stream."""
        fields: dict[str, str] = {}
        while True:
            line = self._field_line()
            if line is None:
                return None
            if line == "":
                if "data" in fields:
                    return Received(
                        id=int(fields["id"]), kind=fields["event"], data=json.loads(fields["data"])
                    )
                fields = {}
            else:
                name, _colon, value = line.partition(":")
                fields[name] = value.removeprefix(" ")

    def events(self, count: int) -> list[Received]:
        received: list[Received] = []
        while len(received) < count:
            event = self.next_event()
            assert event is not None, f"the stream ended after {received}"
            received.append(event)
        return received

    def wait_for_comment(self, text: str) -> None:
        """Read on until the server sends the comment ``text``; an event meanwhile fails."""
        while text not in self.comments:
            line = self._field_line()
            assert line is not None, "the stream ended"
            assert line == "", f"unexpected line {line!r}"

    def close(self) -> None:
        # Both, or the socket stays open behind the response's file object.
        self.response.close()
        self.connection.close()
