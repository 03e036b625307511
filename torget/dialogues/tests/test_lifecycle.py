"""Dialogues follow one state machine; the clock opens and closes them; every move is recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues import actions
from torget.dialogues.lifecycle import IllegalTransition
from torget.dialogues.models import Dialogue, DialogueEvent, DialogueState, Post


def test_scheduled_dialogue_opens_and_closes_by_the_clock(
    make_dialogue: Callable[..., Dialogue],
) -> None:
    now = timezone.now()
    dialogue = make_dialogue(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    assert dialogue.state == DialogueState.SCHEDULED

    assert actions.advance_dialogues(now=now + timedelta(minutes=59)) == 0
    assert actions.advance_dialogues(now=now + timedelta(hours=1)) == 1
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.OPEN

    actions.advance_dialogues(now=now + timedelta(hours=3))
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.CLOSED
    clock_moves = DialogueEvent.objects.filter(dialogue=dialogue, actor__isnull=True)
    # Recorded at the announced times, by nobody (the clock).
    assert [(e.to_state, e.at) for e in clock_moves] == [
        (DialogueState.OPEN, dialogue.opens_at),
        (DialogueState.CLOSED, dialogue.closes_at),
    ]


def test_a_dialogue_scheduled_late_opens_and_closes_in_one_go(
    make_dialogue: Callable[..., Dialogue],
) -> None:
    now = timezone.now()
    dialogue = make_dialogue(opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
    assert dialogue.state == DialogueState.CLOSED
    states = list(dialogue.events.values_list("to_state", flat=True))
    assert states == ["draft", "scheduled", "open", "closed"]


def test_tick_command_moves_due_dialogues(make_dialogue: Callable[..., Dialogue]) -> None:
    now = timezone.now()
    dialogue = make_dialogue(opens_at=now + timedelta(seconds=1), closes_at=now + timedelta(days=1))
    Dialogue.objects.filter(pk=dialogue.pk).update(opens_at=now - timedelta(seconds=1))
    call_command("tick")
    dialogue.refresh_from_db()
    assert dialogue.state == DialogueState.OPEN


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (actions.close_dialogue, DialogueState.DRAFT),
        (actions.archive_dialogue, DialogueState.OPEN),
        (actions.unschedule_dialogue, DialogueState.OPEN),
        (actions.schedule_dialogue, DialogueState.CLOSED),
    ],
)
def test_illegal_moves_raise_and_change_nothing(
    make_dialogue: Callable[..., Dialogue], olga: User, action: Callable[..., None], state: str
) -> None:
    dialogue = make_dialogue(schedule=False)
    Dialogue.objects.filter(pk=dialogue.pk).update(state=state)
    dialogue.refresh_from_db()
    events_before = dialogue.events.count()
    with pytest.raises(IllegalTransition):
        action(dialogue=dialogue, actor=olga)
    dialogue.refresh_from_db()
    assert dialogue.state == state
    assert dialogue.events.count() == events_before


def test_closing_early_is_recorded_with_who_did_it(open_dialogue: Dialogue, olga: User) -> None:
    actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    last = open_dialogue.events.last()
    assert last is not None
    assert (last.from_state, last.to_state, last.actor) == ("open", "closed", olga)


def test_editing_the_mission_card_keeps_the_earlier_values(
    open_dialogue: Dialogue, olga: User
) -> None:
    from torget.conftest import card

    new_card = card(open_dialogue.commissioned_by, title="Ny cykelsti ved åen")
    actions.edit_dialogue(dialogue=open_dialogue, actor=olga, card=new_card)
    edit = open_dialogue.events.filter(kind="edited").get()
    assert edit.detail["changes"]["title"] == {
        "before": "Ny cykelsti langs Åvej",
        "after": "Ny cykelsti ved åen",
    }


def test_tick_forgets_client_hashes_after_the_retention_period(
    open_dialogue: Dialogue, contribute: Callable[..., Any]
) -> None:
    old = contribute(open_dialogue, client_hash="old-client")
    new = contribute(open_dialogue, client_hash="new-client")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    call_command("tick")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.client_hash, new.client_hash) == ("", "new-client")
    assert old.text == "Linjeføring B er tryggest."  # only the hash is forgotten
