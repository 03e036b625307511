"""After closing, the owner publishes a feedback report; participants with a confirmed e-mail
are told exactly once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from torget.accounts.models import User
from torget.dialogues import actions
from torget.dialogues.models import (
    Dialogue,
    DialogueState,
    FeedbackNotice,
    FeedbackReport,
    Post,
)

REPORT = {
    "what_came_in": "42 indlæg.",
    "how_it_was_used": "Alle blev læst af udvalget.",
    "what_was_decided": "Linjeføring B blev valgt.",
}


@pytest.fixture
def closed_dialogue(
    open_dialogue: Dialogue, olga: User, contribute: Callable[..., Post]
) -> Dialogue:
    for email, confirmed in (
        ("carla@example.org", True),
        ("CARLA@example.org", True),  # the same person twice
        ("dan@example.org", False),
        ("", False),
    ):
        contribution = contribute(open_dialogue, email=email)
        if confirmed:
            actions.confirm_email(contribution=contribution)
    actions.close_dialogue(dialogue=open_dialogue, actor=olga)
    mail.outbox.clear()
    return open_dialogue


def test_publishing_notifies_each_confirmed_participant_once(
    client: Client,
    olga: User,
    closed_dialogue: Dialogue,
    signed_in: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_in(client, olga)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/dialogues/{closed_dialogue.pk}/feedback/", {**REPORT, "publish": "1"}
        )
    assert response.status_code == 302
    closed_dialogue.refresh_from_db()
    assert closed_dialogue.state == DialogueState.FEEDBACK_PUBLISHED
    assert [m.to for m in mail.outbox] == [["carla@example.org"]]
    assert FeedbackNotice.objects.count() == 1

    page = client.get(f"/d/{closed_dialogue.slug}/").content.decode()
    assert "Linjeføring B blev valgt." in page

    # A published report is fixed: the form is no longer offered and a second publish fails.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            f"/staff/dialogues/{closed_dialogue.pk}/feedback/", {**REPORT, "publish": "1"}
        )
    assert again.status_code == 403
    assert len(mail.outbox) == 1


def test_a_draft_is_not_public_and_notifies_nobody(
    client: Client,
    olga: User,
    closed_dialogue: Dialogue,
    signed_in: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_in(client, olga)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/dialogues/{closed_dialogue.pk}/feedback/", {**REPORT, "save": "1"})
    closed_dialogue.refresh_from_db()
    assert closed_dialogue.state == DialogueState.CLOSED
    assert mail.outbox == []
    assert (
        "Linjeføring B blev valgt."
        not in client.get(f"/d/{closed_dialogue.slug}/").content.decode()
    )


def test_feedback_cannot_be_written_while_the_dialogue_is_open(
    client: Client, olga: User, open_dialogue: Dialogue, signed_in: Callable[..., Client]
) -> None:
    signed_in(client, olga)
    response = client.post(f"/staff/dialogues/{open_dialogue.pk}/feedback/", REPORT)
    assert response.status_code == 403
    assert not FeedbackReport.objects.exists()
