"""``torget screen``: screen posts given as JSON Lines on standard input.

Input, one post per line::

    {"id": 17, "text": "…", "lang": "da"}          ("lang" may be left out)

Output, one line per input line, in the same order::

    {"id": 17, "flags": [{"code": "pii.phone", "score": 0.95, "start": 12, "end": 23}],
     "offensive": 0.0312}

``start``/``end`` index the post's text (Python string offsets: code points). A flag with code
``offensive`` is present when ``offensive`` reaches the model's threshold. A line that cannot be
used (invalid UTF-8, invalid JSON, not an object, "text" missing or not a string, "lang" not a
string, longer than 16 MiB) gives ``{"id": …, "error": "…"}`` — with the id when it could be
read, else null — and the stream goes on. Blank lines are skipped and give no output line.
Output is flushed after every line, so the command works as a co-process in a pipe.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Iterator
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from torget.screening.api import screen

MAX_LINE_BYTES = 16 * 1024 * 1024


class Command(BaseCommand):
    help = "Screen JSON Lines posts from standard input; one JSON result line per post."
    # Tests pass a byte stream as stdin=…; the command needs no database and no checks.
    stealth_options = ("stdin",)
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-length",
            type=int,
            default=None,
            help="flag the part of a post beyond this many characters (too_long)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_length: int | None = options["max_length"]
        if max_length is not None and max_length < 0:
            raise CommandError("--max-length must be zero or more")
        stream = _byte_stream(options.get("stdin") or sys.stdin)
        try:
            for line in _lines(stream):
                self.stdout.write(json.dumps(process_line(line, max_length=max_length)))
                self.stdout.flush()
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly, and keep Python from
            # complaining when it flushes standard output on the way out.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())


def _byte_stream(stream: IO[Any]) -> IO[bytes]:
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return cast(IO[bytes], buffer)
    return cast(IO[bytes], stream)


def _lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Non-blank lines without their line ending; None for a line over the size limit."""
    first = True
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # discard the rest of the over-long line
                rest = stream.readline(MAX_LINE_BYTES + 1)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        line = raw.rstrip(b"\r\n")
        if first:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark on the first line
            first = False
        if line.strip():
            yield line


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _error(message: str, identifier: Any = None) -> dict[str, Any]:
    return {"id": identifier, "error": message}


def _salvage_id(line: bytes) -> Any:
    """The id of a line that is not valid UTF-8, when the id itself is readable."""
    try:
        document = json.loads(line.decode("utf-8", "replace"), parse_constant=_reject_constant)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    identifier = document.get("id")
    if isinstance(identifier, str) and "\ufffd" in identifier:
        return None
    return identifier


def process_line(line: bytes | None, *, max_length: int | None) -> dict[str, Any]:
    """The output object for one input line (bytes without its line ending)."""
    if line is None:
        return _error(f"line longer than {MAX_LINE_BYTES} bytes")
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return _error(f"invalid UTF-8 at byte {error.start}", _salvage_id(line))
    try:
        document = json.loads(decoded, parse_constant=_reject_constant)
    except ValueError as error:
        return _error(f"invalid JSON: {error}")
    if not isinstance(document, dict):
        return _error("expected a JSON object")
    identifier = document.get("id")
    text = document.get("text")
    if "text" not in document:
        return _error('missing "text"', identifier)
    if not isinstance(text, str):
        return _error('"text" must be a string', identifier)
    language = document.get("lang")
    if language is not None and not isinstance(language, str):
        return _error('"lang" must be a string', identifier)
    try:
        result = screen(text, max_length=max_length, language=language)
    except Exception as error:
        # A bug must not stop the stream: report it on this line and on standard error.
        traceback.print_exc()
        return _error(f"internal error: {type(error).__name__}", identifier)
    return {
        "id": identifier,
        "flags": [
            {
                "code": flag.code,
                "score": round(flag.score, 4),
                "start": flag.start,
                "end": flag.end,
            }
            for flag in result.flags
        ],
        "offensive": round(result.offensive, 4),
    }
