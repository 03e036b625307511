"""A decision cites the version of the rules in force when it was made, and only rules that
version holds: a code from another version is refused and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.livechat.actions import reject_question
from torget.livechat.models import ChatSession, Question, QuestionStatus
from torget.moderation import actions
from torget.moderation.models import Decision
from torget.moderation.queries import RuleNotInForce
from torget.moderation.tests.rule_versions import entry_data, publish_version_2

SignIn = Callable[[Client, User], Client]


def test_decisions_cite_the_version_in_force_at_their_time(
    organisation: Organisation,
    adam: User,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    # Given version 2 starting in an hour,
    now = timezone.now()
    start = now + timedelta(hours=1)
    publish_version_2(organisation, adam, start=start, now=now)

    # when Alice rejects one post a minute before and one a minute after the start,
    before = actions.reject_contribution(
        contribution=contribute(open_dialogue, "Første"),
        moderator=alice,
        rule_codes=["RESPECT"],
        now=start - timedelta(minutes=1),
    )
    after = actions.reject_contribution(
        contribution=contribute(open_dialogue, "ANDEN"),
        moderator=alice,
        rule_codes=["NO_CAPS"],
        now=start + timedelta(minutes=1),
    )

    # then each cites the version in force at its moment, in the row and in the archive.
    assert (before.rule_set.version, after.rule_set.version) == (1, 2)
    assert [rule.rule_set.version for rule in after.rules.all()] == [2]
    archived = ArchiveEntry.objects.filter(kind=EntryKind.DECISION).order_by("seq")
    assert [entry_data(e)["rule_set_version"] for e in archived] == [1, 2]


def test_a_rule_of_a_version_not_in_force_is_refused(
    organisation: Organisation,
    adam: User,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
) -> None:
    # Given version 2, which adds NO_CAPS and drops RESPECT, starting in an hour,
    now = timezone.now()
    start = now + timedelta(hours=1)
    publish_version_2(organisation, adam, start=start, now=now, without="RESPECT")
    post = contribute(open_dialogue, "STOP")
    entries = ArchiveEntry.objects.count()

    # when Alice cites NO_CAPS before the start, or RESPECT after it,
    with pytest.raises(RuleNotInForce) as early:
        actions.reject_contribution(contribution=post, moderator=alice, rule_codes=["NO_CAPS"])
    with pytest.raises(RuleNotInForce) as late:
        actions.reject_contribution(
            contribution=post,
            moderator=alice,
            rule_codes=["RESPECT", "NO_CAPS"],
            now=start + timedelta(minutes=1),
        )

    # then both are refused, naming the version and the code, and nothing changed.
    assert (early.value.rule_set.version, early.value.codes) == (1, ["NO_CAPS"])
    assert (late.value.rule_set.version, late.value.codes) == (2, ["RESPECT"])
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING
    assert not Decision.objects.exists()
    assert ArchiveEntry.objects.count() == entries


def test_the_queue_refuses_a_code_the_version_in_force_lacks(
    client: Client,
    organisation: Organisation,
    adam: User,
    alice: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    signed_in: SignIn,
) -> None:
    publish_version_2(organisation, adam, start=timezone.now() + timedelta(hours=1))
    post = contribute(open_dialogue, "STOP")
    signed_in(client, alice)

    response = client.post(
        f"/staff/moderation/{post.pk}/decide/", {"decision": "reject", "rules": ["NO_CAPS"]}
    )

    assert response.status_code == 400
    assert "NO_CAPS is not one of the available choices" in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING
    assert not Decision.objects.exists()


def test_a_chat_rejection_cites_only_the_version_in_force(
    organisation: Organisation,
    adam: User,
    alice: User,
    chat: ChatSession,
    ask: Callable[..., Question],
) -> None:
    publish_version_2(organisation, adam, start=timezone.now() + timedelta(hours=1))
    question = ask(chat, "Hvorfor?")

    with pytest.raises(RuleNotInForce):
        reject_question(question=question, moderator=alice, rule_codes=["NO_CAPS"])

    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING
