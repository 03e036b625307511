"""A block refuses contributions from the blocked address, only within its scope, and only
until it ends or is lifted. The refusal page says until when and where to complain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation.intake import ParticipantBlocked
from torget.moderation.models import Block, BlockScope
from torget.moderation.tests.conftest import CARLA

StaffAs = Callable[[User], Client]


@pytest.fixture
def other_dialogue(make_dialogue: Callable[..., Dialogue]) -> Dialogue:
    return make_dialogue(slug="skolevej", title="Sikker skolevej")


def _block(contribution: Post, moderator: User, scope: BlockScope, days: int = 7) -> Block:
    return actions.impose_block(
        contribution=contribution,
        moderator=moderator,
        scope=scope,
        rule_codes=["THREATS"],
        reasons="Trusler mod en navngiven politiker.",
        ends_at=timezone.now() + timedelta(days=days),
        restoration="Adgangen genoprettes af sig selv.",
        complaint="Klag til dialog@testby.example.",
    )


def _can_contribute(
    contribute: Callable[..., Post],
    dialogue: Dialogue,
    email: str = CARLA,
    now: datetime | None = None,
) -> bool:
    try:
        contribute(dialogue, "Igen.", email=email, now=now or timezone.now())
    except ParticipantBlocked:
        return False
    return True


def test_a_dialogue_block_refuses_only_that_dialogue(
    alice: User,
    rejected: Post,
    open_dialogue: Dialogue,
    other_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    _block(rejected, alice, BlockScope.DIALOGUE)
    assert not _can_contribute(contribute, open_dialogue)
    assert not _can_contribute(contribute, open_dialogue, email="CARLA@Example.org")
    assert _can_contribute(contribute, other_dialogue)
    assert _can_contribute(contribute, open_dialogue, email="dennis@example.org")
    assert _can_contribute(contribute, open_dialogue, email="")


def test_an_organisation_block_refuses_every_dialogue(
    alice: User,
    rejected: Post,
    open_dialogue: Dialogue,
    other_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    _block(rejected, alice, BlockScope.ORGANISATION)
    assert not _can_contribute(contribute, open_dialogue)
    assert not _can_contribute(contribute, other_dialogue)


def test_the_block_ends_by_itself(
    alice: User,
    rejected: Post,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    block = _block(rejected, alice, BlockScope.ORGANISATION, days=3)
    second = timedelta(seconds=1)
    assert not _can_contribute(contribute, open_dialogue, now=block.ends_at - second)
    assert _can_contribute(contribute, open_dialogue, now=block.ends_at)


def test_the_refusal_page_says_until_when_and_where_to_complain(
    client: Client,
    alice: User,
    rejected: Post,
    open_dialogue: Dialogue,
) -> None:
    block = _block(rejected, alice, BlockScope.DIALOGUE)
    before = Post.objects.count()
    response = client.post(
        f"/d/{open_dialogue.slug}/contribute/",
        {
            "display_name": "Carla",
            "text": "Nu igen!",
            "email": CARLA,
            "website": "",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot contribute at the moment" in body
    assert timezone.localtime(block.ends_at).strftime("%Y") in body
    assert "Klag til dialog@testby.example." in body
    assert "Adgangen genoprettes af sig selv." in body
    assert "Trusler" not in body  # the reasons went to the address, not to whoever typed it
    assert Post.objects.count() == before


def test_a_moderator_lifts_a_block_early_and_the_person_is_told(
    alice: User,
    moritz: User,
    rejected: Post,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    staff_as: StaffAs,
    django_capture_on_commit_callbacks: Any,
) -> None:
    block = _block(rejected, alice, BlockScope.ORGANISATION)
    mail.outbox.clear()
    staff = staff_as(moritz)
    assert (
        f"/staff/moderation/blocks/{block.pk}/lift/"
        in staff.get("/staff/moderation/blocks/").content.decode()
    )

    assert (
        staff.post(f"/staff/moderation/blocks/{block.pk}/lift/", {"reason": ""}).status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/moderation/blocks/{block.pk}/lift/",
            {"reason": "Borgeren har undskyldt skriftligt."},
        )

    assert response.status_code == 302
    block.refresh_from_db()
    assert (block.lifted_by, block.lift_reason) == (moritz, "Borgeren har undskyldt skriftligt.")
    assert block.lifted_at is not None
    ended = ArchiveEntry.objects.get(kind=EntryKind.BLOCK_ENDED)
    assert ended.actor == moritz
    assert '"ended":"lifted"' in ended.canonical
    [told] = mail.outbox
    assert told.to == [CARLA]
    assert "lifted" in told.body
    assert _can_contribute(contribute, open_dialogue)

    # Lifting again changes nothing.
    again = staff.post(
        f"/staff/moderation/blocks/{block.pk}/lift/", {"reason": "Igen."}, follow=True
    )
    assert "no longer in force" in again.content.decode()
    assert ArchiveEntry.objects.filter(kind=EntryKind.BLOCK_ENDED).count() == 1
