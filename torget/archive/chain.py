"""Canonical encoding and hashing of archive entries, and the chain check.

An entry's hash is SHA-256 over its canonical JSON (keys sorted, no spaces, UTF-8), and that
JSON contains the previous entry's hash, so altering, removing or reordering any entry breaks
every hash after it. The text that was hashed is stored as it is, so checking needs no
re-encoding -- only parsing to compare the searchable columns with what was hashed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
    """UTC with microseconds, always the same shape, so the same moment hashes the same."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


def _entry_problem(row: dict[str, Any], expected_seq: int, prev_hash: str) -> str | None:
    seq = row["seq"]
    if seq != expected_seq:
        return f"entry #{expected_seq} is missing (the next entry is #{seq})"
    canonical: str = row["canonical"]
    if sha256_text(canonical) != row["entry_hash"]:
        return "its content does not match its hash (the entry was altered)"
    if row["prev_hash"] != prev_hash:
        return "it does not name the entry before it (an entry was removed or replaced)"
    try:
        record = json.loads(canonical)
    except ValueError:
        return "its canonical record is not valid JSON"
    if record.get("prev") != prev_hash or record.get("seq") != seq:
        return "its hashed record names another position in the chain"
    for column in _COLUMNS[1:13]:
        stored = row[column]
        if column == "at":
            stored = format_time(stored)
        if record.get(_RECORD_KEYS.get(column, column)) != stored:
            return f"its column {column!r} differs from what was hashed"
    return None


def verify_chain(
    *, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> VerifyReport:
    """Walk every entry in order, then every stored content; stop at the first problem."""
    prev_hash = GENESIS_HASH
    checked = 0
    with_content = 0
    for row in _iter_rows(batch_size):
        problem = _entry_problem(row, checked + 1, prev_hash)
        if problem is not None:
            return VerifyReport(checked, 0, 0, prev_hash, Problem(row["seq"], problem))
        with_content += bool(row["content_sha256"])
        prev_hash = row["entry_hash"]
        checked += 1
        if progress is not None and checked % batch_size == 0:
            progress(checked)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq, head.last_hash) != (checked, prev_hash):
        message = (
            f"the chain ends at #{checked} but its head names #{head.last_seq}"
            " (entries at the end were removed)"
        )
        return VerifyReport(checked, 0, 0, prev_hash, Problem(head.last_seq, message))
    contents = 0
    for seq, body, expected in (
        ArchiveContent.objects.order_by("entry_id")
        .values_list("entry_id", "body", "entry__content_sha256")
        .iterator(chunk_size=batch_size)
    ):
        if sha256_text(body) != expected:
            altered = Problem(seq, "its stored content does not match the hash in the entry")
            return VerifyReport(checked, contents, 0, prev_hash, altered)
        contents += 1
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


def _iter_rows(batch_size: int) -> Iterator[dict[str, Any]]:
    """Keyset pagination by seq: steady memory and speed on a million entries."""
    after = 0
    while True:
        batch = list(
            ArchiveEntry.objects.filter(seq__gt=after)
            .order_by("seq")
            .values(*_COLUMNS)[:batch_size]
        )
        if not batch:
            return
        yield from batch
        after = batch[-1]["seq"]
