"""Appending to the archive. Every domain action that changes something calls ``append_entry``
inside its own transaction, so the record and the change commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from torget.accounts.models import Organisation, User
from torget.archive.chain import canonical_json, format_time, sha256_text
from torget.archive.models import (
    ArchiveContent,
    ArchiveEntry,
    ChainHead,
    Channel,
    Disposal,
    EntryKind,
    Hold,
    HoldReason,
    RetentionRule,
)


class NotInTransaction(RuntimeError):
    """append_entry was called outside the transaction of the change it records."""


class CaseFile(Protocol):
    """What the archive needs of the dialogue an entry belongs to: its key, its authority and
    its case number. The archive sits below the dialogues and never imports them (every app
    appends to it; docs/decisions/0004-one-post-one-moderation.md): a dialogue is passed in."""

    @property
    def pk(self) -> Any: ...

    @property
    def organisation_id(self) -> int: ...

    @property
    def case_number(self) -> str: ...


@dataclass(frozen=True)
class NewEntry:
    """One entry to append; see ``append_entry`` for what the fields mean."""

    kind: str
    at: datetime
    dialogue: CaseFile | None = None
    organisation: Organisation | None = None
    channel: str = Channel.WEB
    subject_type: str = ""
    subject_id: int | None = None
    subject_ref: str = ""
    status: str = ""
    actor: User | None = None
    data: Mapping[str, Any] | None = None
    content: Mapping[str, Any] | None = None
    search_text: str = ""


def append_entry(
    *,
    kind: str,
    at: datetime,
    dialogue: CaseFile | None = None,
    organisation: Organisation | None = None,
    channel: str = Channel.WEB,
    subject_type: str = "",
    subject_id: int | None = None,
    subject_ref: str = "",
    status: str = "",
    actor: User | None = None,
    data: Mapping[str, Any] | None = None,
    content: Mapping[str, Any] | None = None,
    search_text: str = "",
) -> ArchiveEntry:
    """Append one entry at the end of the chain.

    ``data`` is metadata without personal content (it stays forever); ``content`` holds what a
    disposal may later remove (the citizen's text and name, a staff note, the raw payload).
    The chain head is locked until the caller's transaction ends, which orders appenders.
    The organisation defaults to the dialogue's; the case number is always the dialogue's.
    """
    new = NewEntry(
        kind=kind,
        at=at,
        dialogue=dialogue,
        organisation=organisation,
        channel=channel,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_ref=subject_ref,
        status=status,
        actor=actor,
        data=data,
        content=content,
        search_text=search_text,
    )
    return append_many([new])[0]


def append_many(new_entries: Sequence[NewEntry]) -> list[ArchiveEntry]:
    """Append entries in the given order with one lock of the chain head and one insert per
    table: the same records as one ``append_entry`` each, for imports of many items at once."""
    if not connection.in_atomic_block:
        raise NotInTransaction(new_entries[0].kind if new_entries else "")
    seq, prev_hash = _lock_head()
    entries: list[ArchiveEntry] = []
    contents: list[ArchiveContent] = []
    for new in new_entries:
        seq += 1
        entry, content = _build(new, seq=seq, prev_hash=prev_hash)
        entries.append(entry)
        if content is not None:
            contents.append(content)
        prev_hash = entry.entry_hash
    ArchiveEntry.objects.bulk_create(entries)
    ArchiveContent.objects.bulk_create(contents)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_chainhead SET last_seq = %s, last_hash = %s WHERE id = 1",
            [seq, prev_hash],
        )
    return entries


def _build(
    new: NewEntry, *, seq: int, prev_hash: str
) -> tuple[ArchiveEntry, ArchiveContent | None]:
    dialogue = new.dialogue
    organisation_id = new.organisation.pk if new.organisation else None
    if dialogue is not None and organisation_id is None:
        organisation_id = dialogue.organisation_id
    body = canonical_json(dict(new.content)) if new.content is not None else ""
    content_sha256 = sha256_text(body) if new.content is not None else ""
    case_number = dialogue.case_number if dialogue else ""
    record: dict[str, Any] = {
        "seq": seq,
        "prev": prev_hash,
        "at": format_time(new.at),
        "kind": str(new.kind),
        "organisation": organisation_id,
        "case_number": case_number,
        "dialogue": dialogue.pk if dialogue is not None else None,
        "channel": str(new.channel),
        "subject_type": new.subject_type,
        "subject_id": new.subject_id,
        "subject_ref": new.subject_ref,
        "status": str(new.status),
        "actor": new.actor.pk if new.actor else None,
        "content_sha256": content_sha256,
        "data": dict(new.data or {}),
    }
    canonical = canonical_json(record)
    entry = ArchiveEntry(
        seq=seq,
        at=new.at,
        kind=new.kind,
        organisation_id=organisation_id,
        case_number=case_number,
        dialogue_id=dialogue.pk if dialogue is not None else None,
        channel=new.channel,
        subject_type=new.subject_type,
        subject_id=new.subject_id,
        subject_ref=new.subject_ref,
        status=new.status,
        actor=new.actor,
        content_sha256=content_sha256,
        canonical=canonical,
        prev_hash=prev_hash,
        entry_hash=sha256_text(canonical),
    )
    content = (
        ArchiveContent(entry=entry, body=body, search_text=new.search_text)
        if new.content is not None
        else None
    )
    return entry, content


_HEAD = "SELECT last_seq, last_hash FROM archive_chainhead WHERE id = 1"
_HEAD_FOR_UPDATE = _HEAD + " FOR UPDATE"


def _lock_head() -> tuple[int, str]:
    """Read the chain head, locking it until the transaction ends (on SQLite the IMMEDIATE
    transaction already holds the one write lock). Plain SQL: this runs for every append, while
    the chain is locked, and building the query through the ORM costs more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_FOR_UPDATE if connection.vendor == "postgresql" else _HEAD)
        row = cursor.fetchone()
    if row is None:  # a new database (the migration makes it; a test flush removes it)
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        return _lock_head()
    return int(row[0]), str(row[1])


def place_hold(
    *,
    reason: HoldReason,
    dialogue: CaseFile | None,
    subject_type: str = "",
    subject_id: int | None = None,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
) -> Hold:
    now = now or timezone.now()
    with transaction.atomic():
        hold = Hold.objects.create(
            reason=reason,
            dialogue_id=dialogue.pk if dialogue is not None else None,
            subject_type=subject_type,
            subject_id=subject_id,
            note=note,
            placed_at=now,
            placed_by=actor,
        )
        append_entry(
            kind=EntryKind.HOLD_PLACED,
            at=now,
            dialogue=dialogue,
            channel=Channel.STAFF,
            subject_type=subject_type,
            subject_id=subject_id,
            actor=actor,
            data={"hold": hold.pk, "reason": str(reason), "note": note},
        )
    return hold


def release_hold(*, hold: Hold, actor: User | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        released = Hold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
            released_at=now, released_by=actor
        )
        if released:
            append_entry(
                kind=EntryKind.HOLD_RELEASED,
                at=now,
                dialogue=hold.dialogue,
                channel=Channel.STAFF,
                subject_type=hold.subject_type,
                subject_id=hold.subject_id,
                actor=actor,
                data={"hold": hold.pk, "reason": hold.reason},
            )
    hold.refresh_from_db()


class DisposalRefused(Exception):
    """Some of the material is under a hold; nothing was disposed of."""

    def __init__(self, holds: list[Hold]) -> None:
        reasons = ", ".join(sorted({str(hold.get_reason_display()) for hold in holds}))
        super().__init__(
            _("Disposal refused: the material is under a hold (%(reasons)s).")
            % {"reasons": reasons}
        )
        self.holds = holds


def holds_covering(entries: Iterable[ArchiveEntry]) -> list[Hold]:
    """The active holds that cover any of the entries (their item or their whole dialogue)."""
    dialogues: set[int] = set()
    subjects: set[tuple[str, int]] = set()
    for entry in entries:
        if entry.dialogue_id is not None:
            dialogues.add(entry.dialogue_id)
        if entry.subject_type and entry.subject_id is not None:
            subjects.add((entry.subject_type, entry.subject_id))
    if not dialogues and not subjects:
        return []
    covering = Q(subject_type="", dialogue_id__in=dialogues)
    for subject_type, subject_id in subjects:
        covering |= Q(subject_type=subject_type, subject_id=subject_id)
    return list(Hold.objects.filter(covering, released_at__isnull=True).order_by("pk"))


def dispose(
    *,
    entries: Sequence[ArchiveEntry],
    actor: User | None,
    basis: str,
    now: datetime | None = None,
) -> ArchiveEntry | None:
    """Remove the stored content of the entries, leaving their chained records and a disposal
    tombstone that says who did it, when and on what basis. Refused as a whole when any of
    the material is under a hold. Returns the tombstone, or None when there was nothing left
    to dispose of."""
    now = now or timezone.now()
    with transaction.atomic():
        seqs = [entry.seq for entry in entries]
        present = list(
            ArchiveEntry.objects.filter(seq__in=seqs, content__isnull=False).order_by("seq")
        )
        if not present:
            return None
        held = holds_covering(present)
        if held:
            raise DisposalRefused(held)
        tombstone = append_entry(
            kind=EntryKind.DISPOSAL,
            at=now,
            organisation=present[0].organisation,
            dialogue=present[0].dialogue if len({e.dialogue_id for e in present}) == 1 else None,
            channel=Channel.STAFF,
            actor=actor,
            data={
                "disposed": [entry.seq for entry in present],
                "content_sha256": {str(e.seq): e.content_sha256 for e in present},
                "basis": basis,
            },
        )
        Disposal.objects.bulk_create(
            Disposal(entry=entry, disposal_entry=tombstone) for entry in present
        )
        ArchiveContent.objects.filter(entry__in=present).delete()
    return tombstone


@dataclass(frozen=True)
class RetentionOutcome:
    disposed: int
    held: int
    tombstones: int


def apply_retention(*, now: datetime | None = None, batch_size: int = 500) -> RetentionOutcome:
    """Dispose of the content whose retention period has ended, rule by rule; material under a
    hold is left alone and counted."""
    now = now or timezone.now()
    disposed = held = tombstones = 0
    for rule in RetentionRule.objects.order_by("pk"):
        cutoff = now - timedelta(days=rule.keep_days)
        due = ArchiveEntry.objects.filter(
            organisation_id=rule.organisation_id,
            kind=rule.kind,
            at__lt=cutoff,
            content__isnull=False,
        ).order_by("seq")
        skipped: set[int] = set()
        while True:
            batch = list(due.exclude(seq__in=skipped)[:batch_size])
            if not batch:
                break
            free = []
            covered = holds_covering(batch)
            for entry in batch:
                if any(_covers(hold, entry) for hold in covered):
                    skipped.add(entry.seq)
                else:
                    free.append(entry)
            if free:
                basis = f"{rule.basis} ({rule.keep_days} days)"
                dispose(entries=free, actor=None, basis=basis, now=now)
                disposed += len(free)
                tombstones += 1
        held += len(skipped)
    return RetentionOutcome(disposed=disposed, held=held, tombstones=tombstones)


def _covers(hold: Hold, entry: ArchiveEntry) -> bool:
    if not hold.subject_type:
        return hold.dialogue_id is not None and hold.dialogue_id == entry.dialogue_id
    return (hold.subject_type, hold.subject_id) == (entry.subject_type, entry.subject_id)


@transaction.atomic
def save_retention_rule(
    *,
    organisation: Organisation,
    actor: User,
    kind: str,
    keep_days: int,
    basis: str,
    now: datetime | None = None,
) -> RetentionRule:
    """Add the retention rule for one kind of entry, or change the one it has. The next
    `torget archive retention` run applies it; the change itself is archived, so which
    period applied to a disposal can be shown afterwards."""
    now = now or timezone.now()
    rule = (
        RetentionRule.objects.select_for_update()
        .filter(organisation=organisation, kind=kind)
        .first()
    )
    before = None if rule is None else {"keep_days": rule.keep_days, "basis": rule.basis}
    if rule is None:
        rule = RetentionRule(organisation=organisation, kind=kind)
    rule.keep_days = keep_days
    rule.basis = basis
    rule.save()
    append_entry(
        kind=EntryKind.RETENTION_RULE_SAVED,
        at=now,
        organisation=organisation,
        channel=Channel.STAFF,
        subject_type="retention_rule",
        subject_id=rule.pk,
        subject_ref=kind,
        actor=actor,
        data={"entry_kind": kind, "keep_days": keep_days, "basis": basis, "before": before},
    )
    return rule
