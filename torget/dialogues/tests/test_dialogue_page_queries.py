"""The public dialogue page costs the same number of queries however many contributions it has."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from torget.dialogues.models import Dialogue, Post, PostStatus


def _publish(dialogue: Dialogue, contribute: Callable[..., Post], n: int) -> None:
    for i in range(n):
        contribute(dialogue, f"Indlæg nummer {i}")
    Post.objects.filter(dialogue=dialogue).update(status=PostStatus.APPROVED)


def _queries_for_page(client: Client, dialogue: Dialogue, page: int = 1) -> int:
    client.get(f"/d/{dialogue.slug}/")  # warm-up: the clock tick runs on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/d/{dialogue.slug}/?page={page}")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [3, 120])
def test_dialogue_page_query_count_is_fixed(
    client: Client, open_dialogue: Dialogue, contribute: Callable[..., Post], count: int
) -> None:
    _publish(open_dialogue, contribute, count)
    # The dialogue, count + page of contributions, feedback report, the dialogue's live chats
    # (the authority and its rule set's limit are cached; a session-less request): nothing
    # per contribution.
    assert _queries_for_page(client, open_dialogue) == 5
    if count > 50:
        assert _queries_for_page(client, open_dialogue, page=3) == 5
