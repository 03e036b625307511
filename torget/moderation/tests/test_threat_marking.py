"""A moderator marks a post as a threat against one of the authority's politicians: it jumps
the queue, a police hold keeps it, the mark is archived and the politician is told -- without
the text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from torget.accounts.models import Organisation, Role, User
from torget.archive.models import ArchiveEntry, EntryKind, Hold, HoldReason
from torget.conftest import make_person
from torget.dialogues.models import Dialogue, Post
from torget.moderation.models import ThreatMark
from torget.moderation.queries import moderation_queue
from torget.screening.flags import Priority

StaffAs = Callable[[User], Client]
THREAT = "Jeg ved hvor du bor, Bob."


@pytest.fixture
def staff(alice: User, staff_as: StaffAs) -> Client:
    return staff_as(alice)


@pytest.fixture
def bob_with_address(bob: User) -> User:
    bob.email = "bob@testby.example"
    bob.save(update_fields=["email"])
    return bob


def test_marking_puts_the_post_first_holds_it_and_tells_the_politician(
    staff: Client,
    alice: User,
    bob_with_address: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    django_capture_on_commit_callbacks: Any,
) -> None:
    older = contribute(open_dialogue, "Linjeføring A, tak.")
    threat = contribute(open_dialogue, THREAT)
    Post.objects.update(priority=Priority.NONE)  # screening's advice aside
    assert list(moderation_queue(open_dialogue.organisation)) == [older, threat]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/moderation/{threat.pk}/threat/",
            {"politician": bob_with_address.pk, "note": "Konkret trussel mod hjemmet."},
        )

    assert response.status_code == 302
    mark = ThreatMark.objects.get()
    assert (mark.contribution, mark.politician, mark.marked_by) == (threat, bob_with_address, alice)
    threat.refresh_from_db()
    assert threat.priority == Priority.THREAT
    assert list(moderation_queue(open_dialogue.organisation)) == [threat, older]
    queue = staff.get("/staff/moderation/").content.decode()
    assert queue.index(f'id="item-{threat.pk}"') < queue.index(f'id="item-{older.pk}"')
    assert "Threat against Bob" in queue

    hold = Hold.objects.get(reason=HoldReason.POLICE)
    assert (hold.subject_type, hold.subject_id, hold.released_at) == (
        "contribution",
        threat.pk,
        None,
    )
    entry = ArchiveEntry.objects.get(kind=EntryKind.THREAT_MARKED)
    assert (entry.subject_id, entry.actor) == (threat.pk, alice)
    assert f'"politician":{bob_with_address.pk}' in entry.canonical

    [told] = mail.outbox
    assert told.to == ["bob@testby.example"]
    assert threat.reference in told.body
    assert "/staff/moderation/threats/" in told.body
    assert "hvor du bor" not in told.body


@pytest.mark.parametrize("who", ["stranger", "unknown", "not_a_politician", "nobody"])
def test_only_one_of_the_authoritys_politicians_can_be_named(
    staff: Client,
    olga: User,
    bob: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    who: str,
) -> None:
    elsewhere = Organisation.objects.create(
        name="Andetby Kommune",
        slug="andetby",
        country="DK",
        default_language="da",
        time_zone="Europe/Copenhagen",
        contact_email="a@andetby.example",
        customer_service_email="b@andetby.example",
    )
    stranger = make_person(elsewhere, "sven", Role.POLITICIAN, with_device=False)
    chosen = {
        "stranger": str(stranger.pk),  # a forged id: a politician of another authority
        "unknown": "999999",
        "not_a_politician": str(olga.pk),
        "nobody": "",
    }[who]
    contribution = contribute(open_dialogue, THREAT)

    response = staff.post(f"/staff/moderation/{contribution.pk}/threat/", {"politician": chosen})

    assert response.status_code == 400
    body = response.content.decode()
    expected = (
        "Choose the politician the post threatens."
        if who == "nobody"
        else "Choose one of the authority&#x27;s politicians."
    )
    assert expected in body
    assert 'href="#id_politician"' in body
    assert not ThreatMark.objects.exists()
    assert not Hold.objects.exists()


def test_marking_twice_for_the_same_politician_changes_nothing(
    staff: Client, bob: User, open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    contribution = contribute(open_dialogue, THREAT)
    staff.post(f"/staff/moderation/{contribution.pk}/threat/", {"politician": bob.pk})
    response = staff.post(
        f"/staff/moderation/{contribution.pk}/threat/", {"politician": bob.pk}, follow=True
    )
    assert "already marked as a threat against Bob" in response.content.decode()
    assert ThreatMark.objects.count() == 1
    assert ArchiveEntry.objects.filter(kind=EntryKind.THREAT_MARKED).count() == 1
