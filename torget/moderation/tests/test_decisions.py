"""Moderators approve, reject citing rules, or refer to customer service. Every decision records
who, when, which rules and which rule-set version; texts and decisions are never overwritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from torget.accounts.models import User
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.moderation import actions
from torget.moderation.actions import AlreadyDecided
from torget.moderation.models import Decision, RuleSet
from torget.moderation.tests.html_tables import title

SignIn = Callable[[Client, User], Client]


@pytest.fixture
def pending(open_dialogue: Dialogue, contribute: Callable[..., Post]) -> Post:
    contribution = contribute(
        open_dialogue, "Fjern cykelstien!", email="carla@example.org", language="en"
    )
    dialogue_actions.confirm_email(contribution=contribution)
    return contribution


def test_rejecting_cites_rules_and_the_rule_set_version(
    client: Client,
    alice: User,
    pending: Post,
    signed_in: SignIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_in(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/moderation/{pending.pk}/decide/",
            {"decision": "reject", "rules": ["RESPECT", "ON_TOPIC"], "note": "Personangreb."},
        )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.moderator == alice
    assert decision.kind == "reject"
    assert sorted(decision.rules.values_list("code", flat=True)) == ["ON_TOPIC", "RESPECT"]
    assert decision.rule_set == RuleSet.objects.get(version=1)
    assert decision.note == "Personangreb."
    pending.refresh_from_db()
    assert pending.status == PostStatus.REJECTED
    assert pending.text == "Fjern cykelstien!"  # the text itself never changes

    # The author is told: the decision, the rules, and how to ask for a review.
    notice = mail.outbox[-1]
    assert notice.to == ["carla@example.org"]
    assert title("RESPECT") in notice.body
    assert "RESPECT" not in notice.body
    assert "review" in notice.body
    assert pending.reference in notice.body


def test_a_rejection_without_a_rule_is_refused(
    client: Client, alice: User, pending: Post, signed_in: SignIn
) -> None:
    signed_in(client, alice)
    response = client.post(f"/staff/moderation/{pending.pk}/decide/", {"decision": "reject"})
    assert response.status_code == 400
    assert "must cite at least one rule" in response.content.decode()
    assert not Decision.objects.exists()
    pending.refresh_from_db()
    assert pending.status == PostStatus.PENDING


def test_approving_publishes_the_contribution(
    client: Client, alice: User, pending: Post, open_dialogue: Dialogue, signed_in: SignIn
) -> None:
    signed_in(client, alice)
    client.post(f"/staff/moderation/{pending.pk}/decide/", {"decision": "approve"})
    assert "Fjern cykelstien!" in client.get(f"/d/{open_dialogue.slug}/").content.decode()


def test_referring_mails_customer_service_and_tells_the_citizen_where_it_went(
    client: Client,
    alice: User,
    pending: Post,
    signed_in: SignIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_in(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/staff/moderation/{pending.pk}/decide/",
            {"decision": "refer", "note": "Affald er en servicesag."},
        )
    decision = Decision.objects.get()
    assert decision.referred_to == "borgerservice@testby.example"
    recipients = [m.to for m in mail.outbox]
    assert ["borgerservice@testby.example"] in recipients
    assert ["carla@example.org"] in recipients
    referral = next(m for m in mail.outbox if m.to == ["borgerservice@testby.example"])
    assert "Fjern cykelstien!" in referral.body
    receipt = client.get(f"/receipt/{pending.reference}/").content.decode()
    assert "borgerservice@testby.example" in receipt


def test_no_notice_goes_to_an_unconfirmed_address(
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    django_capture_on_commit_callbacks: Any,
) -> None:
    contribution = contribute(open_dialogue, email="unconfirmed@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_contribution(contribution=contribution, moderator=alice)
    assert all(m.to != ["unconfirmed@example.org"] for m in mail.outbox)


def test_a_second_decision_is_refused_and_the_first_stands(
    client: Client, alice: User, moritz: User, pending: Post, signed_in: SignIn
) -> None:
    actions.approve_contribution(contribution=pending, moderator=moritz)
    signed_in(client, alice)
    response = client.post(
        f"/staff/moderation/{pending.pk}/decide/",
        {"decision": "reject", "rules": ["RESPECT"]},
        follow=True,
    )
    assert "already handled by Moritz" in response.content.decode()
    assert Decision.objects.count() == 1
    pending.refresh_from_db()
    assert pending.status == PostStatus.APPROVED


def test_the_action_itself_refuses_a_decided_contribution(
    alice: User, moritz: User, pending: Post
) -> None:
    actions.approve_contribution(contribution=pending, moderator=moritz)
    with pytest.raises(AlreadyDecided):
        actions.reject_contribution(contribution=pending, moderator=alice, rule_codes=["RESPECT"])


def test_only_moderators_decide(
    client: Client, bob: User, olga: User, pending: Post, signed_in: SignIn
) -> None:
    for person in (bob, olga):
        c = signed_in(Client(), person)
        assert c.get("/staff/moderation/").status_code == 403
        assert (
            c.post(f"/staff/moderation/{pending.pk}/decide/", {"decision": "approve"}).status_code
            == 403
        )
    assert not Decision.objects.exists()


def test_post_moderation_can_still_remove_a_visible_contribution(
    client: Client,
    alice: User,
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
) -> None:
    dialogue = make_dialogue(moderation_mode="post")
    contribution = contribute(dialogue, "Synligt med det samme")
    assert "Synligt med det samme" in client.get(f"/d/{dialogue.slug}/").content.decode()
    actions.reject_contribution(contribution=contribution, moderator=alice, rule_codes=["ON_TOPIC"])
    assert "Synligt med det samme" not in client.get(f"/d/{dialogue.slug}/").content.decode()


def test_queue_shows_the_oldest_first_within_a_priority(
    client: Client,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    signed_in: SignIn,
) -> None:
    first = contribute(open_dialogue, "Første")
    second = contribute(open_dialogue, "Anden")
    urgent = contribute(open_dialogue, "Haster")
    # Ordering alone is under test here: give the priorities explicitly.
    Post.objects.filter(dialogue=open_dialogue).update(priority=0)
    Post.objects.filter(pk=urgent.pk).update(priority=3)
    signed_in(client, alice)
    items = client.get("/staff/moderation/").context["items"]
    assert [i.pk for i in items] == [urgent.pk, first.pk, second.pk]
