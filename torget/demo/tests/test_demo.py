"""`torget demo` loads the whole loop once; running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from torget.dialogues.models import Dialogue, DialogueState, Post
from torget.livechat.models import Question
from torget.moderation.models import Decision


@pytest.mark.django_db
def test_demo_shows_every_state_and_is_idempotent() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "torget-demo" in out.getvalue()
    states = set(Dialogue.objects.values_list("state", flat=True))
    assert {
        DialogueState.DRAFT,
        DialogueState.SCHEDULED,
        DialogueState.OPEN,
        DialogueState.CLOSED,
        DialogueState.FEEDBACK_PUBLISHED,
    } <= states
    chat_statuses = set(Question.objects.values_list("status", flat=True))
    assert {"published", "assigned", "approved", "rejected", "pending", "not_reached"} == (
        chat_statuses
    )
    kinds = set(Decision.objects.values_list("kind", flat=True))
    assert kinds == {"approve", "reject", "refer"}
    assert Post.objects.filter(status="pending").exists()
    counts = (
        Dialogue.objects.count(),
        Post.objects.count(),
        Decision.objects.count(),
        Question.objects.count(),
    )

    again = StringIO()
    call_command("demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert counts == (
        Dialogue.objects.count(),
        Post.objects.count(),
        Decision.objects.count(),
        Question.objects.count(),
    )


@pytest.mark.django_db
def test_demo_is_danish_and_shows_the_feedback_report() -> None:
    call_command("demo", stdout=StringIO())
    page = Client().get("/d/legeplads-nordparken/")
    assert page["Content-Language"] == "da"
    assert "Udvalget valgte forslag B" in page.content.decode()


@pytest.mark.django_db
def test_democode_refuses_people_outside_the_demo() -> None:
    from django.core.management.base import CommandError

    call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("democode", "alice", stdout=out, stderr=StringIO())
    assert out.getvalue().strip().isdigit()
    with pytest.raises(CommandError):
        call_command("democode", "dorte", stdout=StringIO(), stderr=StringIO())
