"""Disposal under the retention rules really removes the content, leaves a tombstone and a
verifiable chain, and is refused for anything under a pending request, review or police
report."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.actions import (
    DisposalRefused,
    apply_retention,
    dispose,
    place_hold,
    release_hold,
)
from torget.archive.chain import verify_chain
from torget.archive.models import (
    ArchiveContent,
    ArchiveEntry,
    Disposal,
    EntryKind,
    HoldReason,
    RetentionRule,
)
from torget.dialogues.models import Dialogue, Post


def _received(contribution: Post) -> ArchiveEntry:
    return ArchiveEntry.objects.get(
        kind=EntryKind.CONTRIBUTION_RECEIVED, subject_id=contribution.pk
    )


def test_disposal_removes_the_content_and_keeps_the_chain_verifiable(
    open_dialogue: Dialogue, contribute: Callable[..., Post], rita: User
) -> None:
    entry = _received(contribute(open_dialogue, "Mit navn er Carla Jensen"))

    tombstone = dispose(entries=[entry], actor=rita, basis="Kassation efter 5 år")

    assert tombstone is not None
    assert not ArchiveContent.objects.filter(entry=entry).exists()
    assert Disposal.objects.get(entry=entry).disposal_entry == tombstone
    data = json.loads(tombstone.canonical)["data"]
    assert data["disposed"] == [entry.seq]
    assert data["content_sha256"] == {str(entry.seq): entry.content_sha256}
    assert (tombstone.kind, tombstone.actor) == (EntryKind.DISPOSAL, rita)
    assert "Carla Jensen" not in "".join(ArchiveEntry.objects.values_list("canonical", flat=True))
    report = verify_chain()
    assert report.ok, report.problem
    assert report.disposed == 1


@pytest.mark.parametrize("reason", list(HoldReason))
def test_held_material_cannot_be_disposed_of(
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    rita: User,
    reason: HoldReason,
) -> None:
    contribution = contribute(open_dialogue, "Trussel mod byrådet")
    entry = _received(contribution)
    place_hold(
        reason=reason,
        dialogue=open_dialogue,
        subject_type="contribution",
        subject_id=contribution.pk,
        actor=rita,
    )

    with pytest.raises(DisposalRefused) as refusal:
        dispose(entries=[entry], actor=rita, basis="Kassation")

    assert str(reason.label) in str(refusal.value)
    assert ArchiveContent.objects.filter(entry=entry).exists()
    assert not Disposal.objects.exists()


def test_a_hold_on_a_dialogue_covers_all_of_it_until_released(
    open_dialogue: Dialogue, contribute: Callable[..., Post], rita: User
) -> None:
    entry = _received(contribute(open_dialogue, "Linjeføring A"))
    hold = place_hold(reason=HoldReason.REQUEST, dialogue=open_dialogue, actor=rita)
    with pytest.raises(DisposalRefused):
        dispose(entries=[entry], actor=rita, basis="Kassation")

    release_hold(hold=hold, actor=rita)

    assert dispose(entries=[entry], actor=rita, basis="Kassation") is not None
    kinds = list(ArchiveEntry.objects.order_by("seq").values_list("kind", flat=True))[-3:]
    assert kinds == [EntryKind.HOLD_PLACED, EntryKind.HOLD_RELEASED, EntryKind.DISPOSAL]


def test_retention_disposes_of_old_content_and_keeps_what_is_held(
    organisation: Organisation,
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    rita: User,
) -> None:
    long_ago = timezone.now() - timedelta(days=400)
    old = make_dialogue(
        slug="gammel",
        now=long_ago,
        opens_at=long_ago - timedelta(days=1),
        closes_at=long_ago + timedelta(days=7),
    )
    kept_open = make_dialogue(slug="ny")
    expired = [contribute(old, f"Gammelt indlæg {n}", now=long_ago) for n in range(3)]
    place_hold(
        reason=HoldReason.POLICE,
        dialogue=old,
        subject_type="contribution",
        subject_id=expired[0].pk,
        actor=rita,
    )
    recent = contribute(kept_open, "Nyt indlæg")
    RetentionRule.objects.create(
        organisation=organisation,
        kind=EntryKind.CONTRIBUTION_RECEIVED,
        keep_days=365,
        basis="Kassationsplan 2026, pkt. 4",
    )

    out = StringIO()
    call_command("archive", "retention", stdout=out)

    assert "disposed of the content of 2 entries (1 disposal records); 1 kept under a hold" in (
        out.getvalue()
    )
    assert ArchiveContent.objects.filter(entry=_received(expired[0])).exists()
    assert not ArchiveContent.objects.filter(entry=_received(expired[1])).exists()
    assert ArchiveContent.objects.filter(entry=_received(recent)).exists()
    assert verify_chain().ok
    assert apply_retention().disposed == 0  # nothing left to do: running it again is harmless


def test_the_command_line_refuses_held_material_with_the_reason(
    open_dialogue: Dialogue, contribute: Callable[..., Post], rita: User
) -> None:
    contribution = contribute(open_dialogue, "Linjeføring A")
    place_hold(reason=HoldReason.REVIEW, dialogue=open_dialogue, actor=rita)
    seq = _received(contribution).seq
    with pytest.raises(CommandError, match="under a hold"):
        call_command("archive", "dispose", "--entry", str(seq), "--basis", "Kassation")
    with pytest.raises(CommandError, match="no archive entry #999999"):
        call_command("archive", "dispose", "--entry", "999999", "--basis", "Kassation")
