"""The longest contribution allowed is the one in the rule set in force, not a number in the
code: when the authority publishes a new version with a shorter limit, the form says so and
refuses longer texts."""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.dialogues.models import Dialogue, Post
from torget.moderation import rule_actions


def _publish_shorter_limit(organisation: Organisation, adam: User, limit: int) -> None:
    draft = rule_actions.start_draft(organisation=organisation)
    rule_actions.set_draft_max_length(rule_set=draft, max_length=limit)
    rule_actions.publish_rule_set(rule_set=draft, administrator=adam, in_force_from=timezone.now())


def _post(client: Client, dialogue: Dialogue, text: str) -> Any:
    return client.post(
        f"/d/{dialogue.slug}/contribute/",
        {
            "display_name": "Carla",
            "text": text,
            "email": "",
            "website": "",
            "submission_token": str(uuid.uuid4()),
        },
    )


def test_the_rule_sets_limit_is_shown_and_enforced(
    client: Client, organisation: Organisation, adam: User, open_dialogue: Dialogue
) -> None:
    _publish_shorter_limit(organisation, adam, 300)

    page = client.get(f"/d/{open_dialogue.slug}/").content.decode()
    assert "At most 300 characters." in page
    assert 'maxlength="300"' in page

    refused = _post(client, open_dialogue, "x" * 301)
    assert refused.status_code == 400
    assert "at most 300 characters" in refused.content.decode()
    assert not Post.objects.exists()

    accepted = _post(client, open_dialogue, "Linjeføring B. " + "x" * 285)
    assert accepted.status_code == 302
    assert len(Post.objects.get().text) == 300


def test_a_new_limit_holds_from_the_next_request_although_the_limit_is_cached(
    client: Client, organisation: Organisation, adam: User, open_dialogue: Dialogue
) -> None:
    assert "At most 2000 characters." in client.get(f"/d/{open_dialogue.slug}/").content.decode()

    _publish_shorter_limit(organisation, adam, 300)

    assert "At most 300 characters." in client.get(f"/d/{open_dialogue.slug}/").content.decode()
    assert _post(client, open_dialogue, "x" * 301).status_code == 400
    assert not Post.objects.exists()
