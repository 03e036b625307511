"""Blocking a participant is a decision: reasons citing rules, a scope, an end within the
maximum, how contact is restored and where to complain are all required, and the person is
sent all of it after commit."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.models import ArchiveContent, ArchiveEntry, EntryKind
from torget.dialogues.models import Dialogue, Post
from torget.moderation.models import MAX_BLOCK_DAYS, Block, BlockScope
from torget.moderation.tests.conftest import CARLA
from torget.moderation.tests.html_tables import title

StaffAs = Callable[[User], Client]
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def local(moment: datetime) -> str:
    return timezone.localtime(moment, COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


def block_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rules": ["RESPECT", "THREATS"],
        "reasons": "Gentagne personangreb på navngivne politikere i tre indlæg.",
        "scope": "organisation",
        "ends_at": local(timezone.now() + timedelta(days=14)),
        "restoration": "Adgangen genoprettes af sig selv, når blokeringen udløber.",
        "complaint": "Klag til dialog@testby.example.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff(alice: User, staff_as: StaffAs) -> Client:
    return staff_as(alice)


def test_blocking_records_the_decision_and_sends_the_notice(
    staff: Client,
    alice: User,
    rejected: Post,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    form_page = staff.get(f"/staff/moderation/{rejected.pk}/block/").content.decode()
    # The usual texts are offered, naming the authority's contact and the Ombudsman.
    assert "dialog@testby.example" in form_page
    assert "Folketingets Ombudsmand" in form_page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/staff/moderation/{rejected.pk}/block/", block_form())

    assert response.status_code == 302
    block = Block.objects.get()
    assert block.email == CARLA
    assert block.scope == BlockScope.ORGANISATION
    assert block.dialogue is None
    assert block.imposed_by == alice
    assert sorted(block.rules.values_list("code", flat=True)) == ["RESPECT", "THREATS"]
    assert block.ends_at > timezone.now() + timedelta(days=13)

    entry = ArchiveEntry.objects.get(kind=EntryKind.BLOCK_IMPOSED)
    assert (entry.subject_id, entry.actor) == (rejected.pk, alice)
    assert f'"block":{block.pk}' in entry.canonical
    assert CARLA not in entry.canonical  # the address is content, not metadata
    assert CARLA in ArchiveContent.objects.get(entry=entry).body

    [notice] = mail.outbox
    assert notice.to == [CARLA]
    assert "RESPECT" not in notice.body
    for part in (
        title("RESPECT"),
        "Gentagne personangreb",
        "Adgangen genoprettes",
        "Klag til dialog@testby.example.",
        timezone.localtime(block.ends_at, COPENHAGEN).strftime("%Y"),
    ):
        assert part in notice.body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": local(timezone.now() - timedelta(hours=1))}, "ends_at", "in the future"),
        (
            {"ends_at": local(timezone.now() + timedelta(days=MAX_BLOCK_DAYS + 2))},
            "ends_at",
            f"at most {MAX_BLOCK_DAYS} days",
        ),
        ({"ends_at": ""}, "ends_at", "a block is always time-limited"),
        ({"reasons": ""}, "reasons", "Write the reasons for the block."),
        ({"rules": []}, "rules", "Cite at least one rule the block is based on."),
        ({"scope": ""}, "scope", "Choose where the block applies."),
        ({"restoration": ""}, "restoration", "Say how the person&#x27;s contact is restored."),
        ({"complaint": ""}, "complaint", "Say where the person can complain."),
    ],
)
def test_each_part_of_the_decision_is_required(
    staff: Client, rejected: Post, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = staff.post(f"/staff/moderation/{rejected.pk}/block/", block_form(**overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'href="#id_{field}"' in body  # the error summary links to the field
    assert not Block.objects.exists()
    assert not ArchiveEntry.objects.filter(kind=EntryKind.BLOCK_IMPOSED).exists()


def test_without_a_confirmed_address_nobody_can_be_blocked(
    staff: Client, open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    anonymous = contribute(open_dialogue, "Uden adresse.")
    unconfirmed = contribute(open_dialogue, "Ubekræftet.", email="x@example.org")
    for contribution in (anonymous, unconfirmed):
        response = staff.post(f"/staff/moderation/{contribution.pk}/block/", block_form())
        assert response.status_code == 409
        assert "cannot be blocked" in response.content.decode()
    assert not Block.objects.exists()


def test_a_second_block_while_one_is_in_force_is_refused(staff: Client, rejected: Post) -> None:
    staff.post(f"/staff/moderation/{rejected.pk}/block/", block_form())
    response = staff.post(f"/staff/moderation/{rejected.pk}/block/", block_form(scope="dialogue"))
    assert response.status_code == 409
    assert "already blocked until" in response.content.decode()
    assert Block.objects.count() == 1
