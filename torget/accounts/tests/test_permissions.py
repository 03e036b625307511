"""Who may do what: each predicate tested over every role and every dialogue state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from torget.accounts import permissions as p
from torget.accounts.models import Organisation, Role, User
from torget.conftest import make_person
from torget.dialogues import permissions as dp
from torget.dialogues.models import Dialogue, DialogueState

ROLES = list(Role)


def _verified(user: User) -> User:
    # What django-otp's middleware does after a correct code.
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


@pytest.mark.parametrize("role", ROLES)
def test_role_predicates(organisation: Organisation, role: Role) -> None:
    user = _verified(make_person(organisation, f"u-{role}", role))
    assert p.can_administer(user) is (role == Role.ADMINISTRATOR)
    assert p.can_moderate(user) is (role == Role.MODERATOR)
    assert p.can_manage_dialogues(user) is (role in (Role.ADMINISTRATOR, Role.DIALOGUE_OWNER))
    assert p.is_signed_in_staff(user)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.MODERATOR, Role.RECORDS_OFFICER])
def test_second_factor_roles_have_no_powers_before_the_code(
    organisation: Organisation, role: Role
) -> None:
    user = make_person(organisation, f"u-{role}", role)
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    assert p.requires_second_factor(user)
    assert not p.is_signed_in_staff(user)
    assert not p.can_moderate(user)
    assert not p.can_administer(user)
    assert not p.can_manage_dialogues(user)


@pytest.mark.parametrize("role", [Role.DIALOGUE_OWNER, Role.POLITICIAN])
def test_other_roles_sign_in_with_password_only(organisation: Organisation, role: Role) -> None:
    assert not p.requires_second_factor(make_person(organisation, f"u-{role}", role))


def test_anonymous_has_no_powers() -> None:
    anonymous = AnonymousUser()
    for predicate in (p.can_administer, p.can_moderate, p.can_manage_dialogues, p.is_staff_member):
        assert not predicate(anonymous)


def test_inactive_people_lose_their_roles(organisation: Organisation) -> None:
    user = _verified(make_person(organisation, "gone", Role.ADMINISTRATOR))
    user.is_active = False
    user.__dict__.pop("_roles_cache", None)
    assert not p.can_administer(user)


# The dialogue matrix: which state allows which move, for a dialogue owner, and nobody else.
MOVES: dict[str, Callable[[User, Dialogue], bool]] = {
    "edit": dp.can_edit_dialogue,
    "schedule": dp.can_schedule_dialogue,
    "unschedule": dp.can_unschedule_dialogue,
    "close": dp.can_close_dialogue,
    "feedback": dp.can_write_feedback,
    "archive": dp.can_archive_dialogue,
}
ALLOWED = {
    DialogueState.DRAFT: {"edit", "schedule"},
    DialogueState.SCHEDULED: {"edit", "unschedule"},
    DialogueState.OPEN: {"edit", "close"},
    DialogueState.CLOSED: {"feedback"},
    DialogueState.FEEDBACK_PUBLISHED: {"archive"},
    DialogueState.ARCHIVED: set(),
}


@pytest.mark.parametrize("state", list(DialogueState))
@pytest.mark.parametrize("role", ROLES)
def test_dialogue_moves_by_role_and_state(
    organisation: Organisation, open_dialogue: Dialogue, role: Role, state: DialogueState
) -> None:
    user = _verified(make_person(organisation, f"m-{role}", role))
    # Before the announced times, so the stored state is the one that holds (what the
    # clock's times imply: torget/dialogues/tests/test_state_from_the_clock.py).
    open_dialogue.state = state
    open_dialogue.opens_at += timedelta(days=30)
    open_dialogue.closes_at += timedelta(days=30)
    may_manage = role in (Role.ADMINISTRATOR, Role.DIALOGUE_OWNER)
    for move, predicate in MOVES.items():
        expected = may_manage and move in ALLOWED[state]
        assert predicate(user, open_dialogue) is expected, (role, state, move)
