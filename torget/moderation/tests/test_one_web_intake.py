"""One intake for the web forms: a contribution on the dialogue page and a question to a live
chat go through the same spam trap, flood limit, refusals and receipts (moderation/web_intake),
seen through the real views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.livechat.models import ChatSession
from torget.moderation import actions
from torget.moderation.models import BlockScope
from torget.moderation.tests.conftest import CARLA

ALREADY_SENT = "This form was already sent; here is your receipt."


@dataclass(frozen=True)
class WebForm:
    """A channel's form as a citizen's browser sees it."""

    action: str  # where the form is posted
    receipts: str  # where its receipt pages are, before the reference
    limit_setting: str  # how many posts one client may send within the window
    close: Callable[[], None]  # its window ends (the dialogue's, or the chat's)

    def send(self, client: Client, **fields: str) -> Any:
        data = {
            "display_name": "Carla",
            "text": "Hvornår bliver stien bygget?",
            "email": "",
            "website": "",
            "submission_token": str(uuid.uuid4()),
            **fields,
        }
        return client.post(self.action, data)

    def receipt_of(self, post: Post) -> str:
        return f"{self.receipts}{post.reference}/"


@pytest.fixture(params=["contribution", "question"])
def web_form(request: pytest.FixtureRequest, open_dialogue: Dialogue, chat: ChatSession) -> WebForm:
    a_moment_ago = timezone.now() - timedelta(seconds=1)
    if request.param == "contribution":
        return WebForm(
            f"/d/{open_dialogue.slug}/contribute/",
            "/receipt/",
            "CONTRIBUTION_RATE_LIMIT",
            lambda: _closed(Dialogue.objects.filter(pk=open_dialogue.pk), a_moment_ago),
        )
    return WebForm(
        f"/chat/{chat.slug}/ask/",
        "/question/",
        "CHAT_QUESTION_RATE_LIMIT",
        lambda: _closed(ChatSession.objects.filter(pk=chat.pk), a_moment_ago),
    )


def _closed(rows: Any, at: Any) -> None:
    """The window ended at ``at``, before the clock's tick has written it."""
    rows.update(opens_at=at - timedelta(hours=1), closes_at=at)


def _messages_on(client: Client, location: str) -> list[str]:
    response = client.get(location)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_a_filled_in_trap_field_is_refused_and_nothing_is_stored(
    client: Client, web_form: WebForm
) -> None:
    response = web_form.send(client, website="http://spam.example")
    assert response.status_code == 400
    assert "only automated programs do" in response.content.decode()
    assert not Post.objects.exists()


def test_a_form_sent_again_gets_its_receipt_with_a_note_and_stores_nothing_new(
    client: Client, web_form: WebForm
) -> None:
    token = str(uuid.uuid4())
    first = web_form.send(client, submission_token=token)
    stored = Post.objects.get()
    assert (first.status_code, first["Location"]) == (302, web_form.receipt_of(stored))
    assert ALREADY_SENT not in _messages_on(client, first["Location"])

    again = web_form.send(client, submission_token=token)
    assert (again.status_code, again["Location"]) == (302, web_form.receipt_of(stored))
    assert _messages_on(client, again["Location"]) == [ALREADY_SENT]
    assert Post.objects.count() == 1


def test_past_the_flood_limit_a_new_form_is_refused_and_one_sent_before_gets_its_receipt(
    client: Client, web_form: WebForm, settings: Settings
) -> None:
    # Given a limit of one post per client, used up by Carla's first form
    setattr(settings, web_form.limit_setting, 1)
    token = str(uuid.uuid4())
    assert web_form.send(client, submission_token=token).status_code == 302
    stored = Post.objects.get()
    # When she sends a new form, it is refused as a flood
    assert web_form.send(client).status_code == 429
    # while the same form again (the back button) gets its receipt, stored once
    again = web_form.send(client, submission_token=token)
    assert (again.status_code, again["Location"]) == (302, web_form.receipt_of(stored))
    assert _messages_on(client, again["Location"]) == [ALREADY_SENT]
    assert Post.objects.get() == stored


def test_a_blocked_address_is_refused_and_a_form_it_stored_before_gets_its_receipt(
    client: Client, web_form: WebForm, rejected: Post, alice: User
) -> None:
    # Given Carla's form stored before a moderator blocked her address in the dialogue
    token = str(uuid.uuid4())
    first = web_form.send(client, email=CARLA, submission_token=token)
    assert first.status_code == 302
    actions.impose_block(
        contribution=rejected,
        moderator=alice,
        scope=BlockScope.DIALOGUE,
        rule_codes=["THREATS"],
        reasons="Trusler mod en navngiven politiker.",
        ends_at=timezone.now() + timedelta(days=7),
        restoration="Adgangen genoprettes af sig selv.",
        complaint="Klag til dialog@testby.example.",
    )
    before = Post.objects.count()
    # When she sends a new form, the block's page says so and nothing is stored
    refused = web_form.send(client, email=CARLA)
    assert refused.status_code == 403
    assert "You cannot contribute at the moment" in refused.content.decode()
    # while the form she sent before gets its receipt
    again = web_form.send(client, email=CARLA, submission_token=token)
    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert _messages_on(client, again["Location"]) == [ALREADY_SENT]
    assert Post.objects.count() == before


def test_after_the_window_closes_a_new_form_is_refused_and_one_sent_before_gets_its_receipt(
    client: Client, web_form: WebForm
) -> None:
    # Given Carla's form stored while the window was open
    token = str(uuid.uuid4())
    first = web_form.send(client, submission_token=token)
    assert first.status_code == 302
    # When the window has closed, a new form is refused and nothing is stored
    web_form.close()
    refused = web_form.send(client)
    assert refused.status_code == 409
    assert Post.objects.count() == 1
    # while the form she sent before (a retry over a poor connection) gets its receipt
    again = web_form.send(client, submission_token=token)
    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert _messages_on(client, again["Location"]) == [ALREADY_SENT]
