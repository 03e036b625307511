"""Who may do what with dialogues: typed predicates over (person, dialogue state).

The state is the one the announced times imply at ``now`` (``lifecycle.effective_state``):
a dialogue past its closing time takes feedback even before ``torget tick`` has closed it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from torget.accounts.permissions import AnyUser, can_manage_dialogues, is_politician
from torget.dialogues.lifecycle import effective_state
from torget.dialogues.models import Dialogue, DialogueState

EDITABLE_STATES = frozenset({DialogueState.DRAFT, DialogueState.SCHEDULED, DialogueState.OPEN})


def _state(dialogue: Dialogue, now: datetime | None) -> DialogueState:
    return effective_state(dialogue, now or timezone.now())


def can_create_dialogue(user: AnyUser) -> bool:
    return can_manage_dialogues(user)


def can_edit_dialogue(user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) in EDITABLE_STATES


def can_schedule_dialogue(
    user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None
) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) == DialogueState.DRAFT


def can_unschedule_dialogue(
    user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None
) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) == DialogueState.SCHEDULED


def can_close_dialogue(user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) == DialogueState.OPEN


def can_write_feedback(user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) == DialogueState.CLOSED


def can_archive_dialogue(user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) == DialogueState.FEEDBACK_PUBLISHED


# Input received outside Torget can be typed in from the dialogue's announcement until its
# feedback report is written.
OFFLINE_INPUT_STATES = frozenset(
    {DialogueState.SCHEDULED, DialogueState.OPEN, DialogueState.CLOSED}
)


def can_enter_offline_input(
    user: AnyUser, dialogue: Dialogue, *, now: datetime | None = None
) -> bool:
    return can_manage_dialogues(user) and _state(dialogue, now) in OFFLINE_INPUT_STATES


def can_view_dialogue_in_staff(user: AnyUser) -> bool:
    return can_manage_dialogues(user)


def can_follow_committee_dialogues(user: AnyUser) -> bool:
    """A politician follows the dialogues their committees commissioned on their own page:
    the published contributions and the counts, never an unpublished text."""
    return is_politician(user)
