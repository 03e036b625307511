"""The public chat page costs the same number of queries however many pairs it shows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from torget.accounts.models import User
from torget.livechat import actions
from torget.livechat.models import ChatSession, Question


def _queries(client: Client, chat: ChatSession) -> tuple[int, str]:
    client.get(f"/chat/{chat.slug}/")  # warm-up: the clock tick runs on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/chat/{chat.slug}/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_chat_page_query_count_does_not_grow_with_the_pairs(
    client: Client,
    make_chat: Callable[..., ChatSession],
    ask: Callable[..., Question],
    alice: User,
    bob: User,
    vera: User,
) -> None:
    chat = make_chat(upvotes_enabled=True)

    def publish(n: int) -> None:
        for i in range(n):
            question = ask(chat, f"Spørgsmål {i}")
            politician = bob if i % 2 else vera
            actions.assign_question(question=question, moderator=alice, politician=politician)
            actions.answer_question(question=question, politician=politician, text=f"Svar {i}")
        waiting = ask(chat, "Venter")
        actions.approve_question(question=waiting, moderator=alice)

    publish(2)
    few, page = _queries(client, chat)
    assert page.count('class="qa"') == 2
    publish(20)
    many, page = _queries(client, chat)
    assert page.count('class="qa"') == 22 and page.count('class="waiting"') == 2
    assert few == many
