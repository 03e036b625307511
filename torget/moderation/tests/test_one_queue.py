"""One moderation queue for every channel: narrowed by channel, dialogue or chat, ordered by
screening priority and then age, and showing how long the oldest post has waited in each place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.livechat.models import ChatSession, Question
from torget.moderation import intake


@pytest.fixture
def three_places(
    make_dialogue: Callable[..., Dialogue],
    open_dialogue: Dialogue,
    chat: ChatSession,
    olga: User,
    contribute: Callable[..., Post],
    ask: Callable[..., Question],
) -> dict[str, Post]:
    """A contribution on the dialogue page (two hours old), a question to its chat (one hour
    old) and a letter typed in for another dialogue (just now), plus a threat on the page."""
    now = timezone.now()
    other = make_dialogue(slug="skolen", title="Skolens fremtid")
    return {
        "web": contribute(open_dialogue, "Linjeføring B.", now=now - timedelta(hours=2)),
        "chat": ask(chat, "Hvornår?", now=now - timedelta(hours=1)).post,
        "offline": intake.enter_offline_input(
            dialogue=other,
            entered_by=olga,
            received_via="letter",  # type: ignore[arg-type]
            received_on=timezone.localdate(),
            display_name="Erik",
            text="Behold skolen.",
            email="",
        ),
        "threat": contribute(open_dialogue, "Jeg ved hvor du bor.", now=now - timedelta(minutes=5)),
    }


def _queue(client: Client, query: str = "") -> list[int]:
    response = client.get(f"/staff/moderation/{query}")
    assert response.status_code == 200
    return [item.pk for item in response.context["items"]]


def test_every_channel_in_one_queue_threats_first_then_oldest(
    client: Client, alice: User, signed_in: Any, three_places: dict[str, Post]
) -> None:
    signed_in(client, alice)
    posts = three_places
    assert _queue(client) == [posts[k].pk for k in ("threat", "web", "chat", "offline")]


def test_the_queue_narrows_to_a_channel_a_dialogue_or_a_chat(
    client: Client,
    alice: User,
    signed_in: Any,
    three_places: dict[str, Post],
    chat: ChatSession,
    open_dialogue: Dialogue,
) -> None:
    signed_in(client, alice)
    posts = three_places
    assert _queue(client, "?channel=chat") == [posts["chat"].pk]
    assert _queue(client, "?channel=offline") == [posts["offline"].pk]
    assert _queue(client, f"?thread={chat.thread_id}") == [posts["chat"].pk]
    assert _queue(client, f"?dialogue={open_dialogue.pk}") == [
        posts[k].pk for k in ("threat", "web", "chat")
    ]
    # What cannot be a filter is ignored: the whole queue is shown.
    assert len(_queue(client, "?channel=fax&dialogue=abc")) == 4


def test_the_queue_shows_how_long_the_oldest_post_has_waited_in_each_place(
    client: Client,
    alice: User,
    signed_in: Any,
    three_places: dict[str, Post],
    chat: ChatSession,
) -> None:
    signed_in(client, alice)
    response = client.get("/staff/moderation/")
    queues = response.context["queues"]
    assert [(q.dialogue_title, q.thread_title, q.waiting) for q in queues] == [
        ("Ny cykelsti langs Åvej", "", 2),
        ("Ny cykelsti langs Åvej", chat.title, 1),
        ("Skolens fremtid", "", 1),
    ]
    assert queues[0].oldest == three_places["web"].created_at
    body = response.content.decode()
    assert "2\xa0hours" in body or "2 hours" in body
    assert f'href="?thread={chat.thread_id}"' in body


def test_deciding_from_a_narrowed_queue_comes_back_to_it(
    client: Client, alice: User, signed_in: Any, three_places: dict[str, Post]
) -> None:
    signed_in(client, alice)
    question = three_places["chat"]
    response = client.post(
        f"/staff/moderation/{question.pk}/decide/?channel=chat", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/moderation/?channel=chat"
    question.refresh_from_db()
    assert question.status == "approved"
    assert Question.objects.get(post=question).status == "approved"
    assert _queue(client, "?channel=chat") == []
