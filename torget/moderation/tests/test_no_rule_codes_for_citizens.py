"""Citizens read rules by their titles, in their language: no page or e-mail meant for them
shows a rule code such as ON_TOPIC. Staff pages may show the codes beside the titles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation.defaults import DEFAULT_RULES
from torget.moderation.models import BlockScope
from torget.moderation.tests.rule_versions import visible_text
from torget.moderation.tokens import review_request_token

CODES = [rule["code"] for rule in DEFAULT_RULES]


def _no_codes(text: str) -> None:
    shown = [code for code in CODES if code in text]
    assert shown == [], shown


def test_no_code_on_citizens_pages_or_in_their_mails(
    client: Client,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given Carla's post rejected citing two rules, and her blocked,
    carla = contribute(open_dialogue, "Idiot!", email="carla@example.org", language="en")
    dialogue_actions.confirm_email(contribution=carla)
    with django_capture_on_commit_callbacks(execute=True):
        decision = actions.reject_contribution(
            contribution=carla, moderator=alice, rule_codes=["RESPECT", "THREATS"]
        )
        actions.impose_block(
            contribution=carla,
            moderator=alice,
            scope=BlockScope.DIALOGUE,
            rule_codes=["RESPECT"],
            reasons="Gentagne personangreb.",
            ends_at=timezone.now() + timedelta(days=7),
            restoration="Af sig selv.",
            complaint="Til dialog@testby.example.",
        )

    # when she reads the mails and the pages meant for her and everyone,
    pages = [
        "/rules/",
        "/rules/v1/",
        "/transparency/",
        f"/receipt/{carla.reference}/",
        reverse("rules:review", kwargs={"token": review_request_token(decision)}),
    ]

    # then each names the rules by title, and none shows a code.
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        _no_codes(visible_text(response.content.decode()))
    receipt = visible_text(client.get(f"/receipt/{carla.reference}/").content.decode())
    assert "Be respectful" in receipt
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        _no_codes(str(message.body))
    assert any("Be respectful" in str(message.body) for message in mail.outbox)


def test_staff_see_the_code_beside_the_title(
    client: Client, adam: User, signed_in: Callable[[Client, User], Client]
) -> None:
    signed_in(client, adam)
    client.post("/staff/moderation/rules/draft/")
    page = client.get("/staff/moderation/rules/").content.decode()
    assert "<code>ON_TOPIC</code>" in page
    assert "Stay on topic" in page
