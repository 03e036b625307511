"""A records officer registers a request, searches the archive (rejected posts included),
selects entries, withholds passages on stated grounds, and releases a validated bag; the
request and the release are archived, and the material is held until completion."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import bagit
import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from pytest_django import DjangoAssertNumQueries, Settings

from torget.accounts.models import User
from torget.archive.actions import DisposalRefused, dispose
from torget.archive.models import (
    ArchiveEntry,
    EntryKind,
    Hold,
    ManualRedaction,
    RecordsRequest,
    Release,
)
from torget.archive.records import add_working_days, default_deadline
from torget.archive.redaction import automatic_grounds
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions as moderation_actions
from torget.screening.flags import PHONE

SignIn = Callable[[Client, User], Client]


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.ARCHIVE_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def rejected(open_dialogue: Dialogue, contribute: Callable[..., Post], alice: User) -> Post:
    contribution = contribute(
        open_dialogue, "Borgmester Hansen er en idiot, ring 20 30 40 50", display_name="Per"
    )
    moderation_actions.reject_contribution(
        contribution=contribution, moderator=alice, rule_codes=["RESPECT"]
    )
    return contribution


def _register(client: Client, dialogue: Dialogue | None = None, **extra: str) -> RecordsRequest:
    response = client.post(
        "/staff/records/new/",
        {
            "requester": "Journalist Jensen",
            "requester_contact": "jensen@avis.example",
            "received_on": "2026-11-16",
            "scope": "Alle indlæg om cykelstien, også de afviste",
            "dialogue": dialogue.pk if dialogue else "",
            **extra,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return RecordsRequest.objects.get()


def test_the_danish_default_deadline_is_seven_working_days(
    client: Client, rita: User, signed_in: SignIn, open_dialogue: Dialogue
) -> None:
    signed_in(client, rita)
    request = _register(client, open_dialogue)
    # Monday 16 November 2026 + 7 working days = Wednesday 25 November.
    assert request.deadline == date(2026, 11, 25)
    assert request.reference == "R-2026-0001"
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Friday → Monday
    entry = ArchiveEntry.objects.get(kind=EntryKind.REQUEST_REGISTERED)
    assert (entry.subject_ref, entry.actor, entry.case_number) == (
        "R-2026-0001",
        rita,
        open_dialogue.case_number,
    )


def test_a_swedish_authority_answers_promptly(organisation: object) -> None:
    organisation.country = "SE"  # type: ignore[attr-defined]
    assert default_deadline(organisation, date(2026, 11, 16)) == date(2026, 11, 17)  # type: ignore[arg-type]


def test_bad_input_gets_clear_errors_and_stores_nothing(
    client: Client, rita: User, signed_in: SignIn
) -> None:
    signed_in(client, rita)
    response = client.post(
        "/staff/records/new/",
        {
            "requester": "",
            "requester_contact": "x",
            "received_on": "2999-01-01",
            "scope": "noget",
            "deadline": "2000-01-01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "A request cannot be received in the future." in page
    assert not RecordsRequest.objects.exists()
    assert not ArchiveEntry.objects.filter(kind=EntryKind.REQUEST_REGISTERED).exists()


def test_only_records_officers_reach_the_pages(
    client: Client, alice: User, bob: User, signed_in: SignIn
) -> None:
    for person in (alice, bob):
        signed_in(client, person)
        assert client.get("/staff/records/").status_code == 403
        client.logout()
    assert client.get("/staff/records/").status_code == 302  # to the sign-in page


def test_search_finds_rejected_posts_by_word_and_by_status(
    client: Client, rita: User, signed_in: SignIn, open_dialogue: Dialogue, rejected: Post
) -> None:
    signed_in(client, rita)
    request = _register(client)
    by_word = client.get(f"/staff/records/{request.pk}/", {"q": "borgmester"})
    assert rejected.reference in by_word.content.decode()
    by_status = client.get(f"/staff/records/{request.pk}/", {"status": "rejected"})
    page = by_status.content.decode()
    assert "2 entries found." in page  # received + the rejection, both about the same post
    by_reference = client.get(f"/staff/records/{request.pk}/", {"q": rejected.reference})
    assert "2 entries found." in by_reference.content.decode()
    nothing = client.get(f"/staff/records/{request.pk}/", {"status": "approved"})
    assert "0 entries found." in nothing.content.decode()
    bad_dates = client.get(
        f"/staff/records/{request.pk}/", {"since": "2026-11-20", "until": "2026-11-01"}
    )
    assert "The end date lies before the start date." in bad_dates.content.decode()


def test_the_whole_request_from_selection_to_release(
    client: Client,
    rita: User,
    signed_in: SignIn,
    open_dialogue: Dialogue,
    rejected: Post,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    signed_in(client, rita)
    request = _register(client, open_dialogue)
    received = ArchiveEntry.objects.get(
        kind=EntryKind.CONTRIBUTION_RECEIVED, subject_id=rejected.pk
    )
    client.post(f"/staff/records/{request.pk}/select/", {"entry": [received.seq]})
    item = request.items.get()

    # A passage that is not in the text is refused, and nothing is stored.
    missing = client.post(
        f"/staff/records/{request.pk}/items/{item.pk}/redact/",
        {
            f"redact-{item.pk}-field": "text",
            f"redact-{item.pk}-passage": "Borgmester Jensen",
            f"redact-{item.pk}-ground": "offentlighedsloven § 30, nr. 1",
        },
    )
    assert missing.status_code == 400
    assert "The passage does not occur in that text" in missing.content.decode()
    assert not ManualRedaction.objects.exists()

    client.post(
        f"/staff/records/{request.pk}/items/{item.pk}/redact/",
        {
            f"redact-{item.pk}-field": "text",
            f"redact-{item.pk}-passage": "Hansen",
            f"redact-{item.pk}-ground": "offentlighedsloven § 30, nr. 1",
        },
    )
    client.post(f"/staff/records/{request.pk}/release/", {"redact_automatically": "on"})

    release = Release.objects.get()
    bag = bagit.Bag(release.folder)
    bag.validate()
    released = json.loads((Path(release.folder) / "data" / "entries.json").read_text())
    (entry,) = released["entries"]
    with translation.override("da"):  # the release speaks the authority's language
        phone_ground = automatic_grounds()[PHONE]
        name_marker = gettext("[redacted: %(ground)s]") % {
            "ground": "offentlighedsloven § 30, nr. 1"
        }
        phone_marker = gettext("[redacted: %(ground)s]") % {"ground": phone_ground}
    assert entry["content"]["text"] == f"Borgmester {name_marker} er en idiot, ring {phone_marker}"
    assert "redacted" not in phone_marker  # the Danish catalogue was used
    assert entry["status"] == "pending"  # as it was received; the rejection is its own entry
    record = ArchiveEntry.objects.get(kind=EntryKind.REQUEST_RELEASED)
    assert json.loads(record.canonical)["data"]["entries"] == [received.seq]
    assert record.release == release

    with django_assert_max_num_queries(20):
        download = client.get(f"/staff/records/{request.pk}/releases/{release.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    assert f"{Path(release.folder).name}/manifest-sha256.txt" in archive.namelist()

    # While the request is open, the material cannot be disposed of.
    with pytest.raises(DisposalRefused):
        dispose(entries=[received], actor=rita, basis="Kassation")
    client.post(f"/staff/records/{request.pk}/complete/")
    assert not Hold.objects.filter(released_at__isnull=True).exists()
    assert dispose(entries=[received], actor=rita, basis="Kassation") is not None
    # A completed request takes no more work.
    assert client.post(f"/staff/records/{request.pk}/release/").status_code == 403


def test_a_search_matching_very_many_entries_says_more_than(
    client: Client,
    rita: User,
    signed_in: SignIn,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from torget.archive import queries

    monkeypatch.setattr(queries.CappedPaginator, "CAP", 3)
    monkeypatch.setattr(queries, "FEW_MATCHES", 2)  # PostgreSQL: take the common-word path
    for number in range(5):
        contribute(open_dialogue, f"Cykelsti nummer {number}")
    signed_in(client, rita)
    request = _register(client)
    page = client.get(f"/staff/records/{request.pk}/", {"q": "cykelsti"}).content.decode()
    assert "More than 3 entries found; narrow the search to see them all." in page
    page = client.get(f"/staff/records/{request.pk}/", {"q": "nummer 2"}).content.decode()
    assert "1 entry found." in page


@pytest.mark.parametrize("reference", ["T-ABCD-EFGH", "T-2345-6789"])
def test_a_reference_is_found_with_or_without_digits(
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    reference: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from torget.archive.queries import ArchiveSearch, search_entries
    from torget.moderation import intake

    contribute(open_dialogue, "Linjeføring A")
    monkeypatch.setattr(intake, "new_reference", lambda prefix: reference)
    contribute(open_dialogue, "Linjeføring B")

    found = search_entries(open_dialogue.organisation, ArchiveSearch(text=reference.lower()))
    assert [entry.subject_ref for entry in found] == [reference]
    by_case = search_entries(
        open_dialogue.organisation, ArchiveSearch(text=open_dialogue.case_number)
    )
    assert by_case.count() == ArchiveEntry.objects.filter(dialogue=open_dialogue).count()
