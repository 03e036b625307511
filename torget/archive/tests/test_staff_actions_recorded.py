"""The staff actions of the foundation -- a mission-card edit, a feedback report saved and
published, archiving a dialogue, a referral -- are each appended to the archive as they happen,
with who did it and the case number, and the chain stays whole."""

from __future__ import annotations

import json
from collections.abc import Callable

from torget.accounts.models import User
from torget.archive.chain import verify_chain
from torget.archive.models import ArchiveEntry, EntryKind
from torget.conftest import card
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions as moderation_actions

CASE = "24.05.00-P20-3-26"


def _last() -> ArchiveEntry:
    entry = ArchiveEntry.objects.order_by("seq").last()
    assert entry is not None
    return entry


def test_a_mission_card_edit_is_archived_with_the_earlier_value(
    open_dialogue: Dialogue, olga: User
) -> None:
    dialogue_actions.edit_dialogue(
        dialogue=open_dialogue,
        actor=olga,
        card=card(open_dialogue.commissioned_by, title="Ny cykelsti ved åen"),
    )

    entry = _last()
    assert (entry.kind, entry.actor, entry.case_number) == (EntryKind.DIALOGUE_EDITED, olga, CASE)
    data = json.loads(entry.canonical)["data"]
    assert data["changes"]["title"] == {
        "before": "Ny cykelsti langs Åvej",
        "after": "Ny cykelsti ved åen",
    }


def test_the_feedback_report_and_the_archiving_are_archived_in_order(
    open_dialogue: Dialogue, olga: User
) -> None:
    dialogue_actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    first = _last().seq
    report = dialogue_actions.save_feedback_report(
        dialogue=open_dialogue,
        author=olga,
        what_came_in="42 indlæg.",
        how_it_was_used="Alle blev læst af udvalget.",
        what_was_decided="Linjeføring B blev valgt.",
    )
    dialogue_actions.publish_feedback_report(report=report, actor=olga)
    open_dialogue.refresh_from_db()
    dialogue_actions.archive_dialogue(dialogue=open_dialogue, actor=olga)

    after = list(ArchiveEntry.objects.filter(seq__gt=first).order_by("seq"))
    assert [(e.kind, e.status, e.actor) for e in after] == [
        (EntryKind.FEEDBACK_SAVED, "closed", olga),
        (EntryKind.DIALOGUE_TRANSITION, "feedback_published", olga),
        (EntryKind.FEEDBACK_PUBLISHED, "feedback_published", olga),
        (EntryKind.DIALOGUE_TRANSITION, "archived", olga),
    ]
    assert all(e.case_number == CASE for e in after)
    published = json.loads(after[2].canonical)["data"]
    assert published["what_was_decided"] == "Linjeføring B blev valgt."
    chain = verify_chain()
    assert chain.ok, chain.problem


def test_a_referral_is_archived_with_where_it_went(
    open_dialogue: Dialogue, contribute: Callable[..., Post], alice: User
) -> None:
    contribution = contribute(open_dialogue, "Min skraldespand er ikke tømt.")
    moderation_actions.refer_contribution(
        contribution=contribution, moderator=alice, note="Affald er en servicesag."
    )

    entry = _last()
    assert (entry.kind, entry.actor, entry.subject_ref) == (
        EntryKind.DECISION,
        alice,
        contribution.reference,
    )
    data = json.loads(entry.canonical)["data"]
    assert data["decision_kind"] == "refer"
    assert data["referred_to"] == "borgerservice@testby.example"
    assert json.loads(entry.content.body) == {"note": "Affald er en servicesag."}
