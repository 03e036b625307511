"""`torget archive verify` walks the chain, reports how many entries it checked, and exits
non-zero naming the first broken entry when anything was altered, removed or truncated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from torget.archive.models import ArchiveEntry, EntryKind
from torget.archive.tests.helpers import tamper
from torget.dialogues.models import Dialogue, Post


@pytest.fixture
def chain(open_dialogue: Dialogue, contribute: Callable[..., Post]) -> list[ArchiveEntry]:
    for text in ("Linjeføring A", "Linjeføring B", "Belysning langs hele stien", "Ingen sti"):
        contribute(open_dialogue, text)
    return list(ArchiveEntry.objects.order_by("seq"))


def _verify() -> str:
    out = StringIO()
    call_command("archive", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def _broken() -> CommandError:
    with pytest.raises(CommandError) as failure:
        _verify()
    assert failure.value.returncode == 1
    return failure.value


def test_an_intact_chain_is_reported_with_its_counts(chain: list[ArchiveEntry]) -> None:
    report = _verify()
    assert f"archive chain intact: {len(chain)} entries checked" in report
    assert "4 contents match their hashes" in report
    assert chain[-1].entry_hash in report


def test_a_hand_altered_text_is_caught(chain: list[ArchiveEntry]) -> None:
    target = next(e for e in chain if e.kind == EntryKind.CONTRIBUTION_RECEIVED)
    tamper(
        "UPDATE archive_archivecontent SET body = REPLACE(body, 'Linjeføring A', 'Linjeføring C')"
        " WHERE entry_id = %s",
        [target.seq],
    )
    assert f"BROKEN at entry #{target.seq}: its stored content does not match" in str(_broken())


def test_a_hand_altered_column_is_caught(chain: list[ArchiveEntry]) -> None:
    target = chain[4]
    tamper("UPDATE archive_archiveentry SET status = 'approved' WHERE seq = %s", [target.seq])
    assert f"#{target.seq}: its column 'status' differs from what was hashed" in str(_broken())


def test_a_rewritten_record_with_a_fresh_hash_breaks_the_next_link(
    chain: list[ArchiveEntry],
) -> None:
    # Someone rewrites the dialogue's transition and recomputes its own hash: the entry after
    # it still names the old one.
    from torget.archive.chain import sha256_text

    target = next(entry for entry in chain if entry.status == "scheduled")
    forged = target.canonical.replace('"status":"scheduled"', '"status":"draft"')
    assert forged != target.canonical
    tamper(
        "UPDATE archive_archiveentry SET canonical = %s, entry_hash = %s, status = 'draft'"
        " WHERE seq = %s",
        [forged, sha256_text(forged), target.seq],
    )
    assert f"BROKEN at entry #{target.seq + 1}: it does not name the entry before it" in str(
        _broken()
    )


def test_a_removed_entry_is_caught(chain: list[ArchiveEntry]) -> None:
    tamper("DELETE FROM archive_archivecontent WHERE entry_id = %s", [chain[3].seq])
    tamper("DELETE FROM archive_archiveentry WHERE seq = %s", [chain[3].seq])
    assert f"entry #{chain[3].seq} is missing" in str(_broken())


def test_a_truncated_end_is_caught(chain: list[ArchiveEntry]) -> None:
    last = chain[-1]
    tamper("DELETE FROM archive_archivecontent WHERE entry_id = %s", [last.seq])
    tamper("DELETE FROM archive_archiveentry WHERE seq = %s", [last.seq])
    error = str(_broken())
    assert f"the chain ends at #{last.seq - 1} but its head names #{last.seq}" in error


def test_content_removed_without_a_disposal_is_caught(chain: list[ArchiveEntry]) -> None:
    target = next(e for e in chain if e.kind == EntryKind.CONTRIBUTION_RECEIVED)
    tamper("DELETE FROM archive_archivecontent WHERE entry_id = %s", [target.seq])
    assert f"#{target.seq}: its content is gone without a recorded disposal" in str(_broken())


def test_checking_in_parts_reports_the_same(chain: list[ArchiveEntry]) -> None:
    from torget.archive.chain import verify_chain

    whole = verify_chain()
    in_parts = verify_chain(part_size=2)
    assert in_parts == whole
    assert whole.ok and whole.checked == len(chain)


@pytest.mark.parametrize("position", [1, 2, 3])  # just before, at, and just after a part's start
def test_a_break_at_a_part_boundary_is_caught(chain: list[ArchiveEntry], position: int) -> None:
    from torget.archive.chain import verify_chain

    target = chain[position]
    tamper("UPDATE archive_archiveentry SET status = 'approved' WHERE seq = %s", [target.seq])
    report = verify_chain(part_size=2)
    assert report.problem is not None
    assert report.problem.seq == target.seq
    assert report.checked == target.seq - 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="worker processes need a database they can reach; the SQLite test database "
    "lives in this process's memory",
)
def test_several_processes_check_the_chain_and_catch_a_break(
    chain: list[ArchiveEntry],
) -> None:
    from torget.archive.chain import verify_chain

    assert verify_chain(part_size=2, workers=2) == verify_chain()
    target = chain[5]
    tamper("UPDATE archive_archiveentry SET kind = 'x' WHERE seq = %s", [target.seq])
    report = verify_chain(part_size=2, workers=2)
    assert report.problem is not None and report.problem.seq == target.seq


def test_a_hand_altered_time_is_caught(chain: list[ArchiveEntry]) -> None:
    target = chain[2]
    tamper(
        "UPDATE archive_archiveentry SET at = %s WHERE seq = %s",
        [target.at + timedelta(microseconds=1), target.seq],
    )
    assert f"#{target.seq}: its column 'at' differs from what was hashed" in str(_broken())


def test_times_on_the_whole_second_and_before_1970_verify(
    open_dialogue: Dialogue,
) -> None:
    from torget.archive.actions import NewEntry, append_many
    from torget.archive.chain import verify_chain

    with transaction.atomic():
        append_many(
            [
                NewEntry(kind=EntryKind.DIALOGUE_EDITED, at=at, dialogue=open_dialogue)
                for at in (
                    datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC),  # SQLite stores no decimals
                    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                    datetime(2026, 6, 1, 14, 30, 0, 5, tzinfo=ZoneInfo("Europe/Copenhagen")),
                )
            ]
        )
    report = verify_chain()
    assert report.ok, report.problem


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps the time as text")
def test_a_time_stored_in_another_shape_is_read_as_django_reads_it(
    chain: list[ArchiveEntry],
) -> None:
    from torget.archive.chain import verify_chain

    target = chain[2]
    same_moment = target.at.astimezone(UTC).isoformat()  # "…T…+00:00", not what Django writes
    tamper("UPDATE archive_archiveentry SET at = %s WHERE seq = %s", [same_moment, target.seq])
    assert verify_chain().ok
    tamper("UPDATE archive_archiveentry SET at = 'gestern' WHERE seq = %s", [target.seq])
    assert f"#{target.seq}: its column 'at' differs from what was hashed" in str(_broken())
