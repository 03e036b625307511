"""What a viewer's (re)connection to the public stream costs, and which chats it may follow.

After a restart every viewer of a chat reconnects at once: each connection must be cheap, so a
chat known to be public and a stream the worker already follows cost no database read at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.http import Http404
from django.http.response import HttpResponseBase
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from torget.accounts.http import TorgetRequest
from torget.accounts.models import Organisation, User
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue
from torget.livechat import views
from torget.livechat.models import ChatSession
from torget.livechat.queries import public_chat_facts
from torget.realtime.hub import Hub
from torget.realtime.sse import HOLD_STREAM, frames
from torget.realtime.tests.conftest import until, with_hub


def test_a_viewer_reconnecting_to_a_followed_chat_reads_nothing_from_the_database(
    transactional_db: None, chat: ChatSession, organisation: Organisation
) -> None:
    queries: list[int] = []

    def connect(last_event_id: str) -> HttpResponseBase:
        request = cast(
            TorgetRequest,
            RequestFactory().get(
                f"/chat/{chat.slug}/live/", headers={"Last-Event-ID": last_event_id}
            ),
        )
        request.organisation = organisation
        with CaptureQueriesContext(connection) as captured:
            response = views.live(request, chat.slug)
        queries.append(len(captured))
        return response

    async def scenario(hub: Hub) -> None:
        # Given one viewer following the chat's stream
        first = await sync_to_async(connect)("0")
        assert first.status_code == 200 and first[HOLD_STREAM] == chat.public_stream
        parts = frames(chat.public_stream, after=0)
        assert (await anext(parts)).startswith(b"retry: ")
        waiting = asyncio.ensure_future(anext(parts))
        await until(lambda: hub.viewer_count(chat.public_stream) == 1)
        # When another viewer connects (or the first comes back)
        second = await sync_to_async(connect)("0")
        # Then it is given its stream without a single query
        assert second.status_code == 200 and second[HOLD_STREAM] == chat.public_stream
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await parts.aclose()

    with_hub(scenario)

    assert queries[0] >= 1  # the first looked the chat up
    assert queries[1] == 0


def test_the_stream_of_a_chat_under_a_draft_dialogue_opens_once_the_dialogue_is_public(
    make_dialogue: Callable[..., Dialogue],
    make_chat: Callable[..., ChatSession],
    organisation: Organisation,
    olga: User,
) -> None:
    # Given a chat whose dialogue is still a draft
    dialogue = make_dialogue(schedule=False, slug="ny-skole")
    chat = make_chat(dialogue=dialogue, slug="skolen")
    # Then the public cannot follow it, and asking twice gives the same answer
    for _ in range(2):
        with pytest.raises(Http404):
            public_chat_facts(organisation, chat.slug)
    # When the dialogue is scheduled, the stream can be followed at once: a refusal is not kept
    dialogue_actions.schedule_dialogue(dialogue=dialogue, actor=olga)
    assert public_chat_facts(organisation, chat.slug).public_stream == chat.public_stream
