"""The dialogue state machine: the one table of allowed moves, and what the clock owes.

Opening and closing at the announced times are the clock's moves. ``torget tick`` writes them
(cron), and an action a person asks for writes them for its one dialogue first; a page never
writes. Until then every page and every permission reads the state the announced times imply
through ``effective_state`` (one object) or ``in_effective_states`` (a query), both from
``clock_moves`` here, so what is shown and what is allowed never depend on when tick last ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from django.db.models import Q

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


class Timed(Protocol):
    """What the clock reads of a dialogue (a whole one, or one loaded with ``only``)."""

    state: str
    opens_at: datetime
    closes_at: datetime


def clock_moves(dialogue: Timed, now: datetime) -> list[tuple[DialogueState, datetime]]:
    """The moves the clock owes ``dialogue`` at ``now``, in order, each with the announced
    time it belongs to: a scheduled dialogue opens at ``opens_at``, an open one closes at
    ``closes_at``. Nothing is owed to a draft (not announced) or after closing."""
    moves: list[tuple[DialogueState, datetime]] = []
    state = DialogueState(dialogue.state)
    if state == S.SCHEDULED and dialogue.opens_at <= now:
        state = S.OPEN
        moves.append((state, dialogue.opens_at))
    if state == S.OPEN and dialogue.closes_at <= now:
        moves.append((S.CLOSED, dialogue.closes_at))
    return moves


def effective_state(dialogue: Timed, now: datetime) -> DialogueState:
    """The state ``dialogue`` is in at ``now``: the stored one with the clock's due moves
    applied, whether or not they have been written yet."""
    moves = clock_moves(dialogue, now)
    return moves[-1][0] if moves else DialogueState(dialogue.state)


def in_effective_states(states: Iterable[DialogueState], now: datetime) -> Q:
    """A filter for the dialogues whose ``effective_state`` at ``now`` is one of ``states``,
    on the indexed columns (a dialogue always closes after it opens)."""
    wanted = set(states)
    due_to_close = Q(state__in=(S.SCHEDULED, S.OPEN), closes_at__lte=now)
    due_to_open = Q(state=S.SCHEDULED, opens_at__lte=now, closes_at__gt=now)
    query = Q(pk__in=[])
    for state in wanted:
        if state == S.SCHEDULED:
            query |= Q(state=S.SCHEDULED, opens_at__gt=now)
        elif state == S.OPEN:
            query |= Q(state=S.OPEN, closes_at__gt=now) | due_to_open
        elif state == S.CLOSED:
            query |= Q(state=S.CLOSED) | due_to_close
        else:
            query |= Q(state=state)
    return query
