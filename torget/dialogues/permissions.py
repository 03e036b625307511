"""Who may do what with dialogues: typed predicates over (person, dialogue state)."""

from __future__ import annotations

from torget.accounts.permissions import AnyUser, can_manage_dialogues
from torget.dialogues.models import Dialogue, DialogueState

EDITABLE_STATES = frozenset({DialogueState.DRAFT, DialogueState.SCHEDULED, DialogueState.OPEN})


def can_create_dialogue(user: AnyUser) -> bool:
    return can_manage_dialogues(user)


def can_edit_dialogue(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state in EDITABLE_STATES


def can_schedule_dialogue(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state == DialogueState.DRAFT


def can_unschedule_dialogue(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state == DialogueState.SCHEDULED


def can_close_dialogue(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state == DialogueState.OPEN


def can_write_feedback(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state == DialogueState.CLOSED


def can_archive_dialogue(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state == DialogueState.FEEDBACK_PUBLISHED


# Input received outside Torget can be typed in from the dialogue's announcement until its
# feedback report is written.
OFFLINE_INPUT_STATES = frozenset(
    {DialogueState.SCHEDULED, DialogueState.OPEN, DialogueState.CLOSED}
)


def can_enter_offline_input(user: AnyUser, dialogue: Dialogue) -> bool:
    return can_manage_dialogues(user) and dialogue.state in OFFLINE_INPUT_STATES


def can_view_dialogue_in_staff(user: AnyUser) -> bool:
    return can_manage_dialogues(user)
