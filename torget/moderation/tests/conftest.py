"""Shared steps for the review, block and threat tests: Carla's contribution with a confirmed
address, rejected by Alice, and the link in the notice she receives."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from torget.accounts.models import User
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions

CARLA = "carla@example.org"
_REVIEW_LINK = re.compile(r"https?://\S+(/rules/review/[^/\s]+/)")


@pytest.fixture
def carlas(open_dialogue: Dialogue, contribute: Callable[..., Post]) -> Post:
    """Carla's contribution, her address confirmed, awaiting moderation."""
    contribution = contribute(
        open_dialogue, "Borgmesteren er en idiot!", email=CARLA, language="en"
    )
    dialogue_actions.confirm_email(contribution=contribution)
    return contribution


@pytest.fixture
def rejected(carlas: Post, alice: User, django_capture_on_commit_callbacks: Any) -> Post:
    """Alice rejected it; Carla got the notice (in mail.outbox) with the review link."""
    with django_capture_on_commit_callbacks(execute=True):
        actions.reject_contribution(
            contribution=carlas, moderator=alice, rule_codes=["RESPECT"], note="Skældsord."
        )
    carlas.refresh_from_db()
    return carlas


def review_path_in(body: str) -> str:
    match = _REVIEW_LINK.search(body)
    assert match, body
    return match.group(1)


def decision_notice() -> str:
    """The body of the notice Carla received (after her confirmation mail, if that left)."""
    return next(
        str(m.body) for m in mail.outbox if m.to == [CARLA] and "/rules/review/" in str(m.body)
    )


@pytest.fixture
def review_path(rejected: Post) -> str:
    return review_path_in(decision_notice())


@pytest.fixture
def staff_as(signed_in: Callable[[Client, User], Client]) -> Callable[[User], Client]:
    """A signed-in client of its own for each person, reading pages in English."""

    def _client(user: User) -> Client:
        english = Client()
        english.cookies["torget_language"] = "en"
        return signed_in(english, user)

    return _client
