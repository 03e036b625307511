"""Canonical encoding and hashing of archive entries, and the chain check.

An entry's hash is SHA-256 over its canonical JSON (keys sorted, no spaces, UTF-8), and that
JSON contains the previous entry's hash, so altering, removing or reordering any entry breaks
every hash after it. The text that was hashed is stored as it is, so checking needs no
re-encoding -- only parsing to compare the searchable columns with what was hashed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from django.db import connection, connections
from django.db.models import Max

from torget.archive.models import GENESIS_HASH, ArchiveContent, ArchiveEntry, ChainHead, Disposal

# Columns copied out of the canonical record for searching; verify compares them.
_COLUMNS = (
    "seq",
    "at",
    "kind",
    "organisation_id",
    "case_number",
    "dialogue_id",
    "channel",
    "subject_type",
    "subject_id",
    "subject_ref",
    "status",
    "actor_id",
    "content_sha256",
    "canonical",
    "prev_hash",
    "entry_hash",
)
_RECORD_KEYS = {
    "organisation_id": "organisation",
    "dialogue_id": "dialogue",
    "actor_id": "actor",
}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_time(at: datetime) -> str:
    """UTC with microseconds, always the same shape, so the same moment hashes the same.
    (isoformat, not strftime: verify formats a million of these.)"""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class Problem:
    seq: int | None
    message: str


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    contents_checked: int
    disposed: int
    last_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


# The record keys the searchable columns (_COLUMNS[1:13]) were copied from, in that order.
_RECORD_VALUES = itemgetter(*(_RECORD_KEYS.get(column, column) for column in _COLUMNS[1:13]))
_SEQ, _AT, _CONTENT_SHA, _CANONICAL, _PREV, _HASH = 0, 1, 12, 13, 14, 15


def _entry_problem(row: tuple[Any, ...], expected_seq: int, prev_hash: str) -> str | None:
    seq = row[_SEQ]
    if seq != expected_seq:
        return f"entry #{expected_seq} is missing (the next entry is #{seq})"
    canonical: str = row[_CANONICAL]
    if sha256_text(canonical) != row[_HASH]:
        return "its content does not match its hash (the entry was altered)"
    if row[_PREV] != prev_hash:
        return "it does not name the entry before it (an entry was removed or replaced)"
    try:
        record = json.loads(canonical)
        hashed = _RECORD_VALUES(record)
    except (ValueError, KeyError, TypeError):
        return "its canonical record is not valid"
    if record.get("prev") != prev_hash or record.get("seq") != seq:
        return "its hashed record names another position in the chain"
    stored = (_stored_time(row[_AT]), *row[2:13])
    if hashed != stored:
        column = next(c for c, a, b in zip(_COLUMNS[1:13], hashed, stored, strict=True) if a != b)
        return f"its column {column!r} differs from what was hashed"
    return None


@dataclass(frozen=True)
class _Segment:
    checked: int
    with_content: int
    contents: int
    last_hash: str
    problem: Problem | None


def _walk(lo: int, hi: int | None, prev_hash: str, batch_size: int) -> _Segment:
    """Check the entries after ``lo`` up to ``hi`` (to the end when None) and their stored
    contents; ``prev_hash`` is the hash the first of them must name."""
    checked = with_content = 0
    for row in _iter_rows(lo, hi, batch_size):
        problem = _entry_problem(row, lo + checked + 1, prev_hash)
        if problem is not None:
            return _Segment(checked, with_content, 0, prev_hash, Problem(row[_SEQ], problem))
        with_content += bool(row[_CONTENT_SHA])
        prev_hash = row[_HASH]
        checked += 1
    if hi is not None and lo + checked != hi:
        missing = lo + checked + 1
        return _Segment(
            checked, with_content, 0, prev_hash, Problem(missing, f"entry #{missing} is missing")
        )
    contents = ArchiveContent.objects.filter(entry_id__gt=lo).order_by("entry_id")
    if hi is not None:
        contents = contents.filter(entry_id__lte=hi)
    count = 0
    for seq, body, expected in contents.values_list(
        "entry_id", "body", "entry__content_sha256"
    ).iterator(chunk_size=batch_size):
        if sha256_text(body) != expected:
            altered = Problem(seq, "its stored content does not match the hash in the entry")
            return _Segment(checked, with_content, count, prev_hash, altered)
        count += 1
    return _Segment(checked, with_content, count, prev_hash, None)


def _drop_connections() -> None:
    """Close every database connection before forking, pooled ones included: a child that
    inherits an open connection shares its socket with the parent and the other children,
    and their queries then read each other's rows (entries reported missing that are not).
    ``close_all`` only hands a pooled connection back to the pool, which keeps it open."""
    connections.close_all()
    for wrapper in connections.all(initialized_only=True):
        close_pool = getattr(wrapper, "close_pool", None)
        if close_pool is not None:
            close_pool()


def _walk_in_child(arguments: tuple[int, int | None, str, int]) -> _Segment:
    connections.close_all()  # never share the parent's database connection
    return _walk(*arguments)


def verify_chain(
    *,
    batch_size: int = 5000,
    part_size: int = 50_000,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Check every entry in order and every stored content; report the first problem.

    The chain is checked in consecutive parts of ``part_size`` entries, each starting from
    the stored hash of the entry before it (whose own correctness the part before checks).
    With ``workers`` > 1 the parts are checked by that many processes at once, so a million
    entries take a fraction of the time on several cores; the report is the same either way.
    ``progress(done, total)`` is called as parts complete, in order."""
    last = ArchiveEntry.objects.aggregate(last=Max("seq"))["last"] or 0
    bounds = list(range(0, last, part_size)) or [0]
    starts = dict(ArchiveEntry.objects.filter(seq__in=bounds[1:]).values_list("seq", "entry_hash"))
    jobs = [
        (lo, bounds[k + 1] if k + 1 < len(bounds) else None, starts.get(lo, ""), batch_size)
        for k, lo in enumerate(bounds)
    ]
    jobs[0] = (0, jobs[0][1], GENESIS_HASH, batch_size)
    checked = contents = with_content = 0
    prev_hash = GENESIS_HASH
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(jobs) > 1:
            _drop_connections()  # the children must not share them
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(workers))
            segments: Iterable[_Segment] = pool.imap(_walk_in_child, jobs)
        else:
            segments = (_walk(*job) for job in jobs)
        for segment in segments:
            checked += segment.checked
            contents += segment.contents
            with_content += segment.with_content
            prev_hash = segment.last_hash
            if segment.problem is not None:
                return VerifyReport(checked, contents, 0, prev_hash, segment.problem)
            if progress is not None:
                progress(checked, last)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq, head.last_hash) != (checked, prev_hash):
        message = (
            f"the chain ends at #{checked} but its head names #{head.last_seq}"
            " (entries at the end were removed)"
        )
        return VerifyReport(checked, contents, 0, prev_hash, Problem(head.last_seq, message))
    disposed = Disposal.objects.count()
    if contents + disposed != with_content:
        lost = (
            ArchiveEntry.objects.exclude(content_sha256="")
            .filter(content__isnull=True, disposal__isnull=True)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        gone = Problem(lost, "its content is gone without a recorded disposal")
        return VerifyReport(checked, contents, disposed, prev_hash, gone)
    return VerifyReport(checked, contents, disposed, prev_hash, None)


# Built from this module's own column names; no input reaches it.
_COLUMN_LIST = ", ".join(_COLUMNS)
_SELECT_AFTER = (
    f"SELECT {_COLUMN_LIST} FROM archive_archiveentry "  # noqa: S608
    "WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s"
)


def _iter_rows(lo: int, hi: int | None, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """Keyset pagination by seq: steady memory and speed on a million entries. Plain SQL,
    because the ORM's per-value converters cost as much as the hashing itself; the time
    comes back as the database stores it and ``_stored_time`` makes it comparable."""
    after = lo
    until = hi if hi is not None else 2**62
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_SELECT_AFTER, [after, until, batch_size])
            batch = cursor.fetchall()
            if not batch:
                return
            yield from batch
            after = batch[-1][_SEQ]


def _stored_time(value: datetime) -> str:
    """The ``at`` column in the hashed format: SQLite hands back a naive datetime in UTC
    (Django stores UTC there), PostgreSQL an aware one."""
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds") + "Z"
    return format_time(value)
