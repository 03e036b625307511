"""Appending to the archive. Every domain action that changes something calls ``append_entry``
inside its own transaction, so the record and the change commit or roll back together."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from torget.accounts.models import Organisation, User
from torget.archive.chain import canonical_json, format_time, sha256_text
from torget.archive.models import ArchiveContent, ArchiveEntry, ChainHead, Channel
from torget.dialogues.models import Dialogue


class NotInTransaction(RuntimeError):
    """append_entry was called outside the transaction of the change it records."""


def append_entry(
    *,
    kind: str,
    at: datetime,
    dialogue: Dialogue | None = None,
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
    organisation_id = organisation.pk if organisation else None
    if dialogue is not None and organisation_id is None:
        organisation_id = dialogue.organisation_id
    if not connection.in_atomic_block:
        raise NotInTransaction(kind)
    body = canonical_json(dict(content)) if content is not None else ""
    content_sha256 = sha256_text(body) if content is not None else ""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a new database (the migration makes it; a test flush removes it)
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    seq = head.last_seq + 1
    case_number = dialogue.case_number if dialogue else ""
    record: dict[str, Any] = {
        "seq": seq,
        "prev": head.last_hash,
        "at": format_time(at),
        "kind": str(kind),
        "organisation": organisation_id,
        "case_number": case_number,
        "dialogue": dialogue.pk if dialogue else None,
        "channel": str(channel),
        "subject_type": subject_type,
        "subject_id": subject_id,
        "subject_ref": subject_ref,
        "status": str(status),
        "actor": actor.pk if actor else None,
        "content_sha256": content_sha256,
        "data": dict(data or {}),
    }
    canonical = canonical_json(record)
    entry_hash = sha256_text(canonical)
    entry = ArchiveEntry.objects.create(
        seq=seq,
        at=at,
        kind=kind,
        organisation_id=organisation_id,
        case_number=case_number,
        dialogue=dialogue,
        channel=channel,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_ref=subject_ref,
        status=status,
        actor=actor,
        content_sha256=content_sha256,
        canonical=canonical,
        prev_hash=head.last_hash,
        entry_hash=entry_hash,
    )
    if content is not None:
        ArchiveContent.objects.create(entry=entry, body=body, search_text=search_text)
    ChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=entry_hash)
    return entry


@transaction.atomic
def append_now(**kwargs: Any) -> ArchiveEntry:
    """``append_entry`` in a transaction of its own, for records of actions that change
    nothing else (an export, say)."""
    return append_entry(**kwargs)
