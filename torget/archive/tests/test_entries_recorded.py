"""Every inbound item and every staff action lands in the archive in the same transaction as
the change, chained to the entry before it, carrying the dialogue's case number."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.chain import sha256_text
from torget.archive.models import ArchiveEntry, ChainHead, EntryKind
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.moderation import actions as moderation_actions
from torget.moderation import intake


def test_a_contribution_is_archived_with_its_text_and_the_case_number(
    open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    contribution = contribute(
        open_dialogue, "Ring til mig på 20 30 40 50", email="carla@example.org"
    )

    entry = ArchiveEntry.objects.get(subject_type="contribution", subject_id=contribution.pk)
    assert entry.kind == EntryKind.CONTRIBUTION_RECEIVED
    assert entry.case_number == "24.05.00-P20-3-26"
    assert entry.subject_ref == contribution.reference
    assert entry.status == PostStatus.PENDING
    assert entry.actor is None
    content = json.loads(entry.content.body)
    assert content == {
        "display_name": "Carla",
        "text": "Ring til mig på 20 30 40 50",
        "email": "carla@example.org",
    }
    assert entry.content_sha256 == sha256_text(entry.content.body)
    record = json.loads(entry.canonical)
    assert record["data"]["screening"] == contribution.screening
    # Personal content is kept apart from the chained record, so it can be disposed of.
    assert "20 30 40 50" not in entry.canonical


def test_a_decision_is_archived_with_who_which_rules_and_the_rule_set_version(
    open_dialogue: Dialogue, contribute: Callable[..., Post], alice: User
) -> None:
    contribution = contribute(open_dialogue, "Idioter, hele bundtet")
    moderation_actions.reject_contribution(
        contribution=contribution, moderator=alice, rule_codes=["RESPECT"], note="Grov tone"
    )

    entry = (
        ArchiveEntry.objects.filter(subject_type="contribution", subject_id=contribution.pk)
        .order_by("seq")
        .last()
    )
    assert entry is not None
    assert entry.kind == EntryKind.DECISION
    assert entry.actor == alice
    assert entry.status == PostStatus.REJECTED
    data = json.loads(entry.canonical)["data"]
    assert data["decision_kind"] == "reject"
    assert data["rules"] == ["RESPECT"]
    assert data["rule_set_version"] == 1
    assert json.loads(entry.content.body) == {"note": "Grov tone"}


def test_the_dialogue_life_cycle_is_archived(open_dialogue: Dialogue, olga: User) -> None:
    kinds = list(ArchiveEntry.objects.filter(dialogue=open_dialogue).values_list("kind", "status"))
    assert kinds == [
        (EntryKind.DIALOGUE_CREATED, "draft"),
        (EntryKind.DIALOGUE_TRANSITION, "scheduled"),
        (EntryKind.DIALOGUE_TRANSITION, "open"),
    ]
    dialogue_actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    last = ArchiveEntry.objects.order_by("seq").last()
    assert last is not None
    assert (last.kind, last.status, last.actor) == (EntryKind.DIALOGUE_TRANSITION, "closed", olga)


def test_entries_form_one_gapless_chain(
    open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    for number in range(3):
        contribute(open_dialogue, f"Indlæg nummer {number}")

    entries = list(ArchiveEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    for before, after in pairwise(entries):
        assert after.prev_hash == before.entry_hash
    head = ChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (entries[-1].seq, entries[-1].entry_hash)


def test_a_refused_contribution_leaves_no_entry_and_no_gap(
    make_dialogue: Callable[..., Dialogue], contribute: Callable[..., Post]
) -> None:
    closed = make_dialogue(
        slug="lukket",
        opens_at=timezone.now() - timedelta(days=9),
        closes_at=timezone.now() - timedelta(days=2),
    )
    head_before = ChainHead.objects.get()

    with pytest.raises(intake.DialogueNotOpen):
        contribute(closed, "For sent")

    head_after = ChainHead.objects.get()
    assert (head_after.last_seq, head_after.last_hash) == (
        head_before.last_seq,
        head_before.last_hash,
    )
    assert not ArchiveEntry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).exists()


def test_many_entries_appended_at_once_chain_like_single_ones(
    open_dialogue: Dialogue,
) -> None:
    from django.db import transaction

    from torget.archive.actions import NewEntry, append_many
    from torget.archive.chain import verify_chain

    at = timezone.now()
    with transaction.atomic():
        made = append_many(
            [
                NewEntry(
                    kind=EntryKind.CONTRIBUTION_RECEIVED,
                    at=at,
                    dialogue=open_dialogue,
                    subject_type="contribution",
                    subject_id=n,
                    content={"text": f"Importeret kommentar {n}"},
                    search_text=f"Importeret kommentar {n}",
                )
                for n in range(5)
            ]
        )
    assert [entry.seq for entry in made] == list(range(made[0].seq, made[0].seq + 5))
    assert all(b.prev_hash == a.entry_hash for a, b in pairwise(made))
    assert ChainHead.objects.get().last_hash == made[-1].entry_hash
    assert (
        ArchiveEntry.objects.filter(content__isnull=False, seq__in=[e.seq for e in made]).count()
        == 5
    )
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_a_bug_that_is_refused(
    open_dialogue: Dialogue,
) -> None:
    from torget.archive.actions import NotInTransaction, append_entry

    with pytest.raises(NotInTransaction):
        append_entry(kind=EntryKind.EXPORT, at=timezone.now(), dialogue=open_dialogue)
