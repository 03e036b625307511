"""Who may do what with reviews, blocks and threats: each predicate over every role, the
review rule over (who decided, state), and the pages answering the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, Role, User
from torget.conftest import make_person
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation import permissions as mp
from torget.moderation.models import BlockScope, ReviewOutcome, ReviewRequest

StaffAs = Callable[[User], Client]
ROLES = list(Role)


def _verified(user: User) -> User:
    # What django-otp's middleware does after a correct code.
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


@pytest.mark.parametrize("role", ROLES)
def test_role_predicates(organisation: Organisation, role: Role) -> None:
    user = _verified(make_person(organisation, f"u-{role}", role))
    moderator = role == Role.MODERATOR
    keeps_records = role == Role.RECORDS_OFFICER
    assert mp.can_review(user) is moderator
    assert mp.can_block(user) is moderator
    assert mp.can_mark_threat(user) is moderator
    assert mp.can_see_all_threats(user) is (moderator or keeps_records)
    assert mp.can_export_evidence(user) is (moderator or keeps_records)
    assert mp.can_view_threats(user) is (moderator or keeps_records or role == Role.POLITICIAN)


def test_anonymous_has_no_powers() -> None:
    anonymous = AnonymousUser()
    for predicate in (
        mp.can_review,
        mp.can_block,
        mp.can_mark_threat,
        mp.can_view_threats,
        mp.can_export_evidence,
    ):
        assert not predicate(anonymous)


def test_moderators_without_the_second_factor_have_no_powers(organisation: Organisation) -> None:
    user = make_person(organisation, "halfway", Role.MODERATOR)
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    assert not mp.can_review(user)
    assert not mp.can_block(user)
    assert not mp.can_export_evidence(user)


@pytest.fixture
def review(alice: User, carlas: Post) -> ReviewRequest:
    decision = actions.reject_contribution(
        contribution=carlas, moderator=alice, rule_codes=["RESPECT"]
    )
    return actions.request_review(decision=decision, reason="Uenig.")


@pytest.mark.parametrize("decided", [False, True])
def test_a_review_is_decided_by_another_moderator_once(
    alice: User, moritz: User, review: ReviewRequest, decided: bool
) -> None:
    if decided:
        actions.decide_review(
            review=review, moderator=moritz, outcome=ReviewOutcome.UPHELD, note="Står."
        )
        review.refresh_from_db()
    assert mp.made_the_decision(_verified(alice), review)
    assert not mp.can_decide_review(_verified(alice), review)
    assert mp.can_decide_review(_verified(moritz), review) is (not decided)


def test_a_block_can_be_lifted_only_while_in_force(alice: User, carlas: Post) -> None:
    block = actions.impose_block(
        contribution=carlas,
        moderator=alice,
        scope=BlockScope.DIALOGUE,
        rule_codes=["RESPECT"],
        reasons="Personangreb.",
        ends_at=timezone.now() + timedelta(days=1),
        restoration="Af sig selv.",
        complaint="Til dialog@testby.example.",
    )
    moderator = _verified(alice)
    assert mp.can_lift_block(moderator, block, timezone.now())
    assert not mp.can_lift_block(moderator, block, block.ends_at)


PAGES = ["/staff/moderation/reviews/", "/staff/moderation/blocks/", "/staff/moderation/threats/"]
# Which of PAGES each role may open (in that order).
OPENS = {
    "alice": (True, True, True),  # moderator
    "rita": (False, False, True),  # records officer
    "bob": (False, False, True),  # politician: only the threats against him
    "olga": (False, False, False),  # dialogue owner
    "adam": (False, False, False),  # administrator
}


@pytest.mark.parametrize("who", list(OPENS))
def test_the_pages_follow_the_predicates(
    who: str,
    request: pytest.FixtureRequest,
    staff_as: StaffAs,
    open_dialogue: Dialogue,
) -> None:
    person: User = request.getfixturevalue(who)
    client = staff_as(person)
    for page, allowed in zip(PAGES, OPENS[who], strict=True):
        assert client.get(page).status_code == (200 if allowed else 403), page


def test_signed_out_visitors_are_sent_to_sign_in(
    client: Client, organisation: Organisation
) -> None:
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert "/staff/account/sign-in/" in response["Location"]
