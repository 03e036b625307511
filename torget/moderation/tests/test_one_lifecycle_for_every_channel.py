"""One post, one moderation: a contribution on the dialogue page, a question to a live chat and
input typed in from a letter go through the same decisions, archive entries, notices, reviews,
blocks and threat marks, and wait in the one queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post, PostChannel, PostStatus
from torget.livechat.models import ChatSession, Question, QuestionStatus
from torget.moderation import actions, intake
from torget.moderation.models import BlockScope, Decision, ReviewOutcome, ThreatMark

CHANNELS = [PostChannel.WEB, PostChannel.CHAT, PostChannel.OFFLINE]
ADDRESS = "borger@example.org"


@pytest.fixture
def post_by(
    open_dialogue: Dialogue,
    chat: ChatSession,
    olga: User,
    contribute: Callable[..., Post],
    ask: Callable[..., Question],
) -> Callable[[str], Post]:
    """A post by each channel, its author's address confirmed, awaiting moderation."""

    def _post(channel: str) -> Post:
        text = "Jeg vil gerne vide mere om stien."
        if channel == PostChannel.WEB:
            post = contribute(open_dialogue, text, email=ADDRESS, language="en")
        elif channel == PostChannel.CHAT:
            post = ask(chat, text, email=ADDRESS, language="en").post
        else:
            post = intake.enter_offline_input(
                dialogue=open_dialogue,
                entered_by=olga,
                received_via="letter",  # type: ignore[arg-type]
                received_on=timezone.localdate(),
                display_name="Borger",
                text=text,
                email=ADDRESS,
            )
            post.language = "en"
            Post.objects.filter(pk=post.pk).update(language="en")
        dialogue_actions.confirm_email(contribution=post)
        mail.outbox.clear()
        return post

    return _post


def _mails_to(address: str) -> list[str]:
    return [f"{m.subject}\n{m.body}" for m in mail.outbox if m.to == [address]]


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_post_waits_in_the_one_queue(
    channel: str, post_by: Callable[[str], Post], alice: User, signed_in: Any, client: Client
) -> None:
    post = post_by(channel)
    assert post.channel == channel and post.status == PostStatus.PENDING
    signed_in(client, alice)
    response = client.get("/staff/moderation/")
    assert [item.pk for item in response.context["items"]] == [post.pk]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("kind", "status", "subject"),
    [
        ("reject", PostStatus.REJECTED, "was not published"),
        ("refer", PostStatus.REFERRED, "passed to customer service"),
    ],
)
def test_a_decision_is_recorded_archived_and_told_the_same_way(
    channel: str,
    kind: str,
    status: str,
    subject: str,
    post_by: Callable[[str], Post],
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = post_by(channel)
    with django_capture_on_commit_callbacks(execute=True):
        if kind == "reject":
            actions.reject_contribution(
                contribution=post, moderator=alice, rule_codes=["ON_TOPIC"], note="Uden for emnet"
            )
        else:
            actions.refer_contribution(contribution=post, moderator=alice, note="Borgerservice")
    post.refresh_from_db()
    decision = Decision.objects.get(contribution=post)
    assert (post.status, decision.kind, decision.moderator) == (status, kind, alice)
    assert decision.rule_set.organisation_id == post.organisation_id
    entry = ArchiveEntry.objects.get(kind=EntryKind.DECISION, subject_id=post.pk)
    assert (entry.subject_ref, entry.actor, entry.status) == (post.reference, alice, status)
    [notice] = _mails_to(ADDRESS)
    assert subject in notice and post.reference in notice and "/rules/review/" in notice
    if channel == PostChannel.CHAT:
        question = Question.objects.get(post=post)
        assert question.status == status  # the chat's consoles show it as handled


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_approval_is_told_in_words_true_for_the_channel(
    channel: str,
    post_by: Callable[[str], Post],
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = post_by(channel)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_contribution(contribution=post, moderator=alice)
    [notice] = _mails_to(ADDRESS)
    if channel == PostChannel.CHAT:
        assert "waits for a politician" in notice and "is published" not in notice
        assert Question.objects.get(post=post).status == QuestionStatus.APPROVED
    else:
        assert "is published" in notice


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_review_overturns_a_rejection_the_same_way(
    channel: str,
    post_by: Callable[[str], Post],
    alice: User,
    moritz: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = post_by(channel)
    decision = actions.reject_contribution(
        contribution=post, moderator=alice, rule_codes=["RESPECT"]
    )
    review = actions.request_review(decision=decision, reason="Det var ikke uhøfligt.")
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_review(
            review=review, moderator=moritz, outcome=ReviewOutcome.OVERTURNED, note="Ok"
        )
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
    decided = (EntryKind.DECISION, EntryKind.REVIEW_REQUESTED, EntryKind.REVIEW_DECIDED)
    kinds = list(
        ArchiveEntry.objects.filter(
            subject_id=post.pk, subject_type="contribution", kind__in=decided
        )
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        EntryKind.DECISION,
        EntryKind.REVIEW_REQUESTED,
        EntryKind.DECISION,
        EntryKind.REVIEW_DECIDED,
    ]
    assert any("review" in notice for notice in _mails_to(ADDRESS))
    if channel == PostChannel.CHAT:
        # The chat is still running: the question goes back to those waiting for a politician.
        assert Question.objects.get(post=post).status == QuestionStatus.APPROVED


@pytest.mark.parametrize("channel", CHANNELS)
def test_threats_and_blocks_work_on_every_post(
    channel: str,
    post_by: Callable[[str], Post],
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = post_by(channel)
    with django_capture_on_commit_callbacks(execute=True):
        actions.mark_threat(contribution=post, politician=bob, moderator=alice, note="Trussel")
        actions.impose_block(
            contribution=post,
            moderator=alice,
            scope=BlockScope.ORGANISATION,
            rule_codes=["THREATS"],
            reasons="Trusler mod en politiker.",
            ends_at=timezone.now() + timedelta(days=30),
            restoration="Kontakten genoprettes af sig selv.",
            complaint="Ombudsmanden.",
        )
    assert ThreatMark.objects.get(contribution=post).politician == bob
    kinds = set(
        ArchiveEntry.objects.filter(subject_id=post.pk, subject_type="contribution").values_list(
            "kind", flat=True
        )
    )
    assert {EntryKind.THREAT_MARKED, EntryKind.BLOCK_IMPOSED} <= kinds
    assert any("decision about your participation" in notice for notice in _mails_to(ADDRESS))


def test_a_blocked_address_cannot_ask_in_a_live_chat_either(
    post_by: Callable[[str], Post], alice: User, chat: ChatSession, ask: Callable[..., Question]
) -> None:
    post = post_by(PostChannel.WEB)
    actions.impose_block(
        contribution=post,
        moderator=alice,
        scope=BlockScope.DIALOGUE,
        rule_codes=["THREATS"],
        reasons="Trusler.",
        ends_at=timezone.now() + timedelta(days=7),
        restoration="Af sig selv.",
        complaint="Ombudsmanden.",
    )
    from torget.livechat.actions import ParticipantBlocked

    with pytest.raises(ParticipantBlocked):
        ask(chat, "Et spørgsmål mere", email=ADDRESS.upper())
    assert not Question.objects.filter(post__text="Et spørgsmål mere").exists()


def test_an_approved_chat_question_stays_in_its_chat_not_among_the_contributions(
    client: Client, post_by: Callable[[str], Post], alice: User, open_dialogue: Dialogue
) -> None:
    question = post_by(PostChannel.CHAT)
    contribution = post_by(PostChannel.WEB)
    for post in (question, contribution):
        actions.approve_contribution(contribution=post, moderator=alice)
    response = client.get(f"/d/{open_dialogue.slug}/")
    assert [post.pk for post in response.context["page"]] == [contribution.pk]
    assert response.context["page"].paginator.count == 1
