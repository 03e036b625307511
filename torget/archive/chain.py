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
from django.utils.dateparse import parse_datetime

from torget.archive.models import GENESIS_HASH, ArchiveEntry, ChainHead, Disposal

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
_SEQ, _AT, _CONTENT_SHA, _CANONICAL, _PREV, _HASH, _BODY = 0, 1, 12, 13, 14, 15, 16


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
    stored = row[_AT:13]  # the time as text in the hashed format (_iter_rows)
    if hashed != stored and hashed[0] != stored[0]:
        stored = (_stored_text_time(stored[0]), *stored[1:])
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
    contents; ``prev_hash`` is the hash the first of them must name.

    Each content is read beside its entry (one pass, not two). A broken entry is reported
    before a changed content in the same part, as when the contents were checked after the
    entries: the chain itself comes first."""
    checked = with_content = contents = 0
    altered: Problem | None = None
    for row in _iter_rows(lo, hi, batch_size):
        problem = _entry_problem(row, lo + checked + 1, prev_hash)
        if problem is not None:
            return _Segment(checked, with_content, 0, prev_hash, Problem(row[_SEQ], problem))
        content_sha256 = row[_CONTENT_SHA]
        if content_sha256:
            with_content += 1
        body = row[_BODY]
        if body is not None and altered is None:
            if sha256_text(body) == content_sha256:
                contents += 1
            else:
                altered = Problem(
                    row[_SEQ], "its stored content does not match the hash in the entry"
                )
        prev_hash = row[_HASH]
        checked += 1
    if hi is not None and lo + checked != hi:
        missing = lo + checked + 1
        return _Segment(
            checked, with_content, 0, prev_hash, Problem(missing, f"entry #{missing} is missing")
        )
    return _Segment(checked, with_content, contents, prev_hash, altered)


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


# Built from this module's own column names; no input reaches it. The time is read as text in
# the hashed format (UTC, six decimals), made by the database: the check reads every entry,
# and turning each value into a datetime and back into text in Python would be a large part of
# its work.
# PostgreSQL formats the stored moment. SQLite holds the text Django wrote, UTC as
# "YYYY-MM-DD HH:MM:SS[.ffffff]"; that shape is rewritten, any other comes back as it is and,
# when it differs from what was hashed, is read as Django reads it (_stored_text_time).
_AT_AS_TEXT = {
    "postgresql": "to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    "sqlite": (
        "CASE WHEN substr(e.at, 11, 1) <> ' ' THEN e.at"
        " WHEN length(e.at) = 26 THEN substr(e.at, 1, 10) || 'T' || substr(e.at, 12) || 'Z'"
        " WHEN length(e.at) = 19"
        " THEN substr(e.at, 1, 10) || 'T' || substr(e.at, 12) || '.000000Z'"
        " ELSE e.at END"
    ),
}


def _select_after(vendor: str) -> str:
    columns = ", ".join(
        _AT_AS_TEXT.get(vendor, "e.at") if column == "at" else f"e.{column}" for column in _COLUMNS
    )
    return (
        f"SELECT {columns}, c.body FROM archive_archiveentry e "  # noqa: S608
        "LEFT JOIN archive_archivecontent c ON c.entry_id = e.seq "
        "WHERE e.seq > %s AND e.seq <= %s ORDER BY e.seq LIMIT %s"
    )


def _iter_rows(lo: int, hi: int | None, batch_size: int) -> Iterator[tuple[Any, ...]]:
    """Keyset pagination by seq: steady memory and speed on a million entries. Plain SQL,
    because the ORM's per-value converters cost as much as the hashing itself. Each row is
    the entry's columns (``_COLUMNS``, the time as text, see ``_AT_AS_TEXT``) and the stored
    content's body, or None when the entry has no stored content."""
    after = lo
    until = hi if hi is not None else 2**62
    vendor = connection.vendor
    select = _select_after(vendor)
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [after, until, batch_size])
            batch = cursor.fetchall()
            if not batch:
                return
            if vendor not in _AT_AS_TEXT:
                batch = [(row[0], _stored_time(row[1]), *row[2:]) for row in batch]
            yield from batch
            after = batch[-1][_SEQ]


def _stored_text_time(text: str) -> str:
    """A stored time in a shape ``_AT_AS_TEXT`` does not rewrite, read as Django reads the
    column and put in the hashed format; what Django cannot read stays as it is (and so
    differs from what was hashed)."""
    try:
        value = parse_datetime(text)
    except (TypeError, ValueError):
        return text
    return text if value is None else _stored_time(value)


def _stored_time(value: datetime) -> str:
    """A time read from the ``at`` column in the hashed format: naive ones are in UTC (as
    Django stores them on SQLite), aware ones are converted."""
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds") + "Z"
    return format_time(value)
