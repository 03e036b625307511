"""Every contribution is screened when it arrives: flags and priority stored beside it, national
ID numbers held and masked in public, and nothing rejected by the machine."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.moderation.actions import approve_contribution

CPR_TEXT = "Min nabo har CPR 010190-1234 og larmer hver nat."


def test_a_national_id_is_held_even_under_post_moderation(
    client: Client, make_dialogue: Callable[..., Dialogue], contribute: Callable[..., Post]
) -> None:
    dialogue = make_dialogue(moderation_mode="post")
    contribution = contribute(dialogue, CPR_TEXT)
    assert contribution.status == PostStatus.PENDING
    codes = [flag["code"] for flag in contribution.screening["flags"]]
    assert "pii.national_id" in codes
    assert all(flag["detector"] and flag["version"] for flag in contribution.screening["flags"])
    assert "010190" not in client.get(f"/d/{dialogue.slug}/").content.decode()


def test_a_threat_posted_to_a_post_moderated_dialogue_waits_for_a_moderator(
    client: Client,
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    dialogue = make_dialogue(moderation_mode="post")
    calm = contribute(dialogue, "Linjeføring B er tryggest for børnene.")
    threat = contribute(dialogue, "Jeg ved hvor du bor, og vi finder dig.")
    assert "threat" in [flag["code"] for flag in threat.screening["flags"]]
    assert calm.status == PostStatus.PUBLISHED_UNREVIEWED
    assert threat.status == PostStatus.PENDING
    page = client.get(f"/d/{dialogue.slug}/").content.decode()
    assert "tryggest for børnene" in page
    assert "vi finder dig" not in page
    approve_contribution(contribution=threat, moderator=alice, note="Kritik, ikke en trussel.")
    assert "vi finder dig" in client.get(f"/d/{dialogue.slug}/").content.decode()


def test_public_pages_mask_the_number_but_the_stored_text_is_unchanged(
    client: Client, open_dialogue: Dialogue, contribute: Callable[..., Post], alice: User
) -> None:
    contribution = contribute(open_dialogue, CPR_TEXT)
    approve_contribution(contribution=contribution, moderator=alice)
    page = client.get(f"/d/{open_dialogue.slug}/").content.decode()
    assert "larmer hver nat" in page
    assert "010190-1234" not in page
    assert "••••••-••••" in page
    receipt = client.get(f"/receipt/{contribution.reference}/").content.decode()
    assert "010190-1234" not in receipt
    contribution.refresh_from_db()
    assert contribution.text == CPR_TEXT


def test_threats_go_first_in_the_queue_with_their_evidence_marked(
    client: Client,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
    signed_in: Callable[[Client, User], Client],
) -> None:
    calm = contribute(open_dialogue, "Jeg foretrækker linjeføring B.")
    threat = contribute(open_dialogue, "Jeg ved hvor du bor, og vi finder dig.")
    assert threat.priority > calm.priority
    assert threat.status == PostStatus.PENDING  # held for a person, never rejected
    signed_in(client, alice)
    response = client.get("/staff/moderation/")
    assert [item.pk for item in response.context["items"]] == [threat.pk, calm.pk]
    body = response.content.decode()
    assert '<mark class="evidence">' in body
    assert "Possible threat" in body
