"""Opt-in timing of live writes, for ``bench/live_fanout.py``: off unless
``REALTIME_TRACE_FILE`` names a file.

When it is set, every worker process notes, for each event (stream, number) it writes, the
wall-clock time (``time.time()``) at which it finished writing that event to the last of its
viewers, and to how many viewers it wrote it. "Finished writing" is the moment the live
response's generator resumes after yielding the frame: the server has handed the bytes to the
socket by then. About once a second (and on ``flush()``) the notes are appended to the file,
one line each::

    <pid> <stream> <seq> <last write, unix seconds> <writes>

and forgotten. A frame written after its note went out (a slow viewer) gives another line for
the same event; readers take the latest time and the sum of the writes over all lines and all
processes. Unset, the live path pays one ``is None`` test per frame and nothing else.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from django.conf import settings

FLUSH_SECONDS = 1.0


class _Note:
    __slots__ = ("last", "writes")

    def __init__(self) -> None:
        self.last = 0.0
        self.writes = 0


class WriteTrace:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._notes: dict[tuple[str, int], _Note] = {}
        self._flush_due = False

    def wrote(self, stream: str, seq: int) -> None:
        """One viewer has been written event ``seq`` of ``stream``."""
        key = (stream, seq)
        note = self._notes.get(key)
        if note is None:
            note = self._notes[key] = _Note()
            if not self._flush_due:
                self._flush_due = True
                asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)
        note.last = time.time()
        note.writes += 1

    def flush(self) -> None:
        self._flush_due = False
        notes, self._notes = self._notes, {}
        if not notes:
            return
        pid = os.getpid()
        lines = "".join(
            f"{pid} {stream} {seq} {note.last:.6f} {note.writes}\n"
            for (stream, seq), note in notes.items()
        )
        # One write(2) with O_APPEND per flush, so the lines of several worker processes
        # sharing the file never interleave.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, lines.encode())
        finally:
            os.close(fd)


_traces: dict[str, WriteTrace] = {}


def write_trace() -> WriteTrace | None:
    """This process's trace for ``settings.REALTIME_TRACE_FILE``, or ``None`` when unset."""
    path: str = settings.REALTIME_TRACE_FILE
    if not path:
        return None
    trace = _traces.get(path)
    if trace is None:
        trace = _traces[path] = WriteTrace(Path(path))
    return trace
