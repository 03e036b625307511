"""A national ID number typed into the name field is masked on the public pages like one in
the text: the public never sees it, the stored name is unchanged (it is a public record)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import approve_contribution

NAME = "Carla 010190-1234"


def test_the_public_pages_mask_a_national_id_in_the_name(
    client: Client,
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    dialogue = make_dialogue(moderation_mode="post")
    contribution = contribute(dialogue, "Linjeføring B er tryggest.", display_name=NAME)
    approve_contribution(contribution=contribution, moderator=alice)

    for path in (f"/d/{dialogue.slug}/", f"/receipt/{contribution.reference}/"):
        page = client.get(path).content.decode()
        assert "Carla ••••••-••••" in page, path
        assert "010190" not in page, path
    contribution.refresh_from_db()
    assert contribution.display_name == NAME
