"""The dialogue state machine: the one table of allowed moves."""

from __future__ import annotations

from torget.dialogues.models import DialogueState

S = DialogueState

TRANSITIONS: dict[DialogueState, frozenset[DialogueState]] = {
    S.DRAFT: frozenset({S.SCHEDULED}),
    S.SCHEDULED: frozenset({S.DRAFT, S.OPEN}),
    S.OPEN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.FEEDBACK_PUBLISHED}),
    S.FEEDBACK_PUBLISHED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}


class IllegalTransition(Exception):
    def __init__(self, from_state: str, to_state: str) -> None:
        super().__init__(f"a dialogue cannot go from {from_state} to {to_state}")
        self.from_state = from_state
        self.to_state = to_state


def check_transition(from_state: str, to_state: str) -> None:
    if DialogueState(to_state) not in TRANSITIONS[DialogueState(from_state)]:
        raise IllegalTransition(from_state, to_state)
