"""The records officer's search within dates finds exactly the entries of the period, newest
first, whether the words are rare or common and whether the entries' times rise with their
numbers or not (an import appends old items last)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, transaction

from torget.archive import queries
from torget.archive.actions import NewEntry, append_many
from torget.archive.models import ArchiveEntry, EntryKind
from torget.archive.queries import ArchiveSearch, search_entries
from torget.dialogues.models import Dialogue

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _append(dialogue: Dialogue, *items: tuple[datetime, str]) -> list[ArchiveEntry]:
    with transaction.atomic():
        return append_many(
            [
                NewEntry(
                    kind=EntryKind.CONTRIBUTION_RECEIVED,
                    at=at,
                    dialogue=dialogue,
                    subject_type="contribution",
                    subject_id=90_000 + n,
                    subject_ref=f"T-TEST-{n:04d}",
                    status="pending",
                    content={"display_name": "Carla", "text": text},
                    search_text=f"Carla\n{text}",
                )
                for n, (at, text) in enumerate(items)
            ]
        )


@pytest.fixture
def archive(open_dialogue: Dialogue) -> list[ArchiveEntry]:
    """Sixty days of entries about the cycle path or the lighting, then three old items
    imported last: numbers above every other, times back in March."""
    daily = [
        (START + timedelta(days=day, hours=hour), "cykelsti" if hour % 2 else "belysning")
        for day in range(60)
        for hour in (1, 2, 3)
    ]
    entries = _append(open_dialogue, *daily)
    entries += _append(
        open_dialogue,
        (START + timedelta(days=5, minutes=1), "cykelsti importeret"),
        (START + timedelta(days=6, minutes=1), "belysning importeret"),
        (START - timedelta(days=30), "cykelsti fra før"),
    )
    return entries


def _expected(entries: list[ArchiveEntry], since: date, until: date, word: str) -> list[int]:
    start = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=start.tzinfo)
    return sorted(
        (e.seq for e in entries if start <= e.at < end and word in e.content.search_text),
        reverse=True,
    )


@pytest.fixture
def utc(open_dialogue: Dialogue) -> None:
    organisation = open_dialogue.organisation
    organisation.time_zone = "UTC"
    organisation.save(update_fields=["time_zone"])


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize("few_matches", [1000, 0])  # PostgreSQL: rare-word and common-word paths
@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(2026, 3, 5), date(2026, 3, 8)),  # takes in two of the imported items
        (date(2026, 4, 1), date(2026, 4, 30)),  # the newest entries in the middle of the list
        (date(2026, 1, 1), date(2026, 3, 2)),  # the oldest, imported last of all
    ],
)
def test_a_dated_search_finds_exactly_the_period(
    open_dialogue: Dialogue,
    archive: list[ArchiveEntry],
    monkeypatch: pytest.MonkeyPatch,
    few_matches: int,
    since: date,
    until: date,
) -> None:
    monkeypatch.setattr(queries, "FEW_MATCHES", few_matches)
    for word in ("cykelsti", "belysning"):
        found = search_entries(
            open_dialogue.organisation, ArchiveSearch(text=word, since=since, until=until)
        )
        expected = _expected(archive, since, until, word)
        assert expected
        assert [entry.seq for entry in found] == expected
        assert found.count() == len(expected)


@pytest.mark.usefixtures("utc")
def test_a_dated_search_without_words_or_with_one_end(
    open_dialogue: Dialogue, archive: list[ArchiveEntry]
) -> None:
    organisation = open_dialogue.organisation
    everything = ArchiveEntry.objects.filter(organisation=organisation)
    only_since = search_entries(organisation, ArchiveSearch(since=date(2026, 4, 20)))
    assert list(only_since) == list(
        everything.filter(at__gte=START.replace(day=20, month=4, hour=0)).order_by("-seq")
    )
    only_until = search_entries(organisation, ArchiveSearch(until=date(2026, 3, 5)))
    assert list(only_until) == list(
        everything.filter(at__lt=START.replace(day=6, hour=0)).order_by("-seq")
    )
    assert archive[-1] in only_until  # the imported old item, numbered last


@pytest.mark.usefixtures("utc")
def test_a_period_without_entries_finds_nothing(
    open_dialogue: Dialogue, archive: list[ArchiveEntry]
) -> None:
    found = search_entries(
        open_dialogue.organisation,
        ArchiveSearch(text="cykelsti", since=date(2025, 1, 1), until=date(2025, 1, 31)),
    )
    assert list(found) == []
    assert found.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL stores the words")
def test_the_stored_words_are_what_the_text_gives(archive: list[ArchiveEntry]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM archive_archivecontent WHERE search_words IS DISTINCT FROM"
            " to_tsvector('simple'::regconfig, COALESCE(search_text, ''))"
        )
        assert cursor.fetchone() == (0,)
