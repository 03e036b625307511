"""The database itself refuses to change or remove archive entries, on SQLite and PostgreSQL
alike: raw SQL, not only the ORM."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from torget.archive.models import ArchiveContent, ArchiveEntry, EntryKind
from torget.dialogues.models import Dialogue, Post


@pytest.fixture
def received(open_dialogue: Dialogue, contribute: Callable[..., Post]) -> ArchiveEntry:
    contribution = contribute(open_dialogue, "Linjeføring B er tryggest.")
    return ArchiveEntry.objects.get(
        kind=EntryKind.CONTRIBUTION_RECEIVED, subject_id=contribution.pk
    )


def _refused(sql: str, *params: int) -> str:
    with (
        pytest.raises(DatabaseError) as refusal,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(refusal.value)


def test_raw_update_of_an_entry_is_refused(received: ArchiveEntry) -> None:
    message = _refused(
        "UPDATE archive_archiveentry SET status = 'approved' WHERE seq = %s", received.seq
    )
    assert "append-only" in message
    received.refresh_from_db()
    assert received.status == "pending"


def test_raw_delete_of_an_entry_is_refused(received: ArchiveEntry) -> None:
    assert "append-only" in _refused(
        "DELETE FROM archive_archiveentry WHERE seq = %s", received.seq
    )
    assert ArchiveEntry.objects.filter(seq=received.seq).exists()


def test_the_orm_cannot_get_round_it_either(received: ArchiveEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        ArchiveEntry.objects.filter(seq=received.seq).update(kind="something else")
    with pytest.raises(DatabaseError), transaction.atomic():
        ArchiveEntry.objects.all().delete()
    assert ArchiveEntry.objects.filter(
        seq=received.seq, kind=EntryKind.CONTRIBUTION_RECEIVED
    ).exists()


def test_stored_content_cannot_be_rewritten_or_removed_without_a_disposal(
    received: ArchiveEntry,
) -> None:
    _refused("UPDATE archive_archivecontent SET body = '{}' WHERE entry_id = %s", received.seq)
    message = _refused("DELETE FROM archive_archivecontent WHERE entry_id = %s", received.seq)
    assert "disposal" in message
    assert ArchiveContent.objects.get(entry=received).body.count("Linjeføring B") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(received: ArchiveEntry) -> None:
    _refused("TRUNCATE archive_archiveentry CASCADE")
    assert ArchiveEntry.objects.filter(seq=received.seq).exists()
