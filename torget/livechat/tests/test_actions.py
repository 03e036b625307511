"""The chat's steps through the real actions: what is stored, refused, archived and announced."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.livechat import actions
from torget.livechat.models import ChatSession, Question, QuestionStatus, StepKind
from torget.realtime.models import StreamEvent

Ask = Callable[..., Question]


def events(stream: str) -> list[tuple[int, str, dict[str, object]]]:
    return [
        (event.seq, event.kind, event.payload)
        for event in StreamEvent.objects.filter(stream__name=stream).order_by("seq")
    ]


def test_a_question_is_stored_screened_archived_and_announced_to_staff_only(
    chat: ChatSession, ask: Ask
) -> None:
    question = ask(chat, "Min nabo har CPR 010190-1234, hvornår bygger I?")
    assert question.status == QuestionStatus.PENDING
    assert question.reference.startswith("Q-")
    assert any(flag["code"] == "pii.national_id" for flag in question.screening["flags"])
    entry = ArchiveEntry.objects.get(kind=EntryKind.CHAT_QUESTION_RECEIVED)
    assert (entry.subject_ref, entry.channel, entry.case_number) == (
        question.reference,
        "chat",
        chat.dialogue.case_number,
    )
    assert events(chat.staff_stream) == [
        (1, "question.changed", {"ref": question.reference, "status": "pending"})
    ]
    assert events(chat.public_stream) == []


def test_the_same_form_twice_stores_one_question(chat: ChatSession, ask: Ask) -> None:
    token = uuid.uuid4()
    first = ask(chat, submission_token=token)
    again, created = actions.ask_question(
        session_pk=chat.pk,
        max_length=chat.question_max_length,
        display_name="Carla",
        text="Hvornår bliver stien bygget?",
        submission_token=token,
        client_hash="carla",
        language="da",
    )
    assert (again.pk, created) == (first.pk, False)
    assert Question.objects.count() == 1


def test_questions_after_the_close_are_refused_and_nothing_is_stored(
    chat: ChatSession, ask: Ask
) -> None:
    # The chat opened 10 minutes ago and closes in 50.
    with pytest.raises(actions.ChatNotOpen):
        ask(chat, now=timezone.now() + timedelta(minutes=50))
    assert not Question.objects.exists()
    assert not StreamEvent.objects.filter(stream__name=chat.staff_stream).exists()


def test_a_question_sent_before_the_chat_opens_waits_and_is_handed_out_once_it_opens(
    make_chat: Callable[..., ChatSession], ask: Ask, alice: User, bob: User
) -> None:
    now = timezone.now()
    chat = make_chat(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    question = ask(chat, "Hvornår starter byggeriet?")
    assert question.status == QuestionStatus.PENDING
    assert question.post.status == "pending"
    actions.approve_question(question=question, moderator=alice)
    with pytest.raises(actions.ChatNotStarted):
        actions.assign_question(question=question, moderator=alice, politician=bob)
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED
    actions.assign_question(
        question=question, moderator=alice, politician=bob, now=now + timedelta(hours=1, minutes=1)
    )
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.ASSIGNED, bob)


def test_assign_then_answer_publishes_question_and_answer_together(
    chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    question = ask(chat)
    actions.assign_question(question=question, moderator=alice, politician=bob)
    answer = actions.answer_question(question=question, politician=bob, text="Til foråret.")
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED
    assert question.published_at == answer.written_at
    assert [step.kind for step in question.steps.all()] == [
        StepKind.ASSIGN,
        StepKind.ANSWER,
        StepKind.PUBLISH,
    ]
    [(seq, kind, payload)] = events(chat.public_stream)
    assert (seq, kind, payload["ref"]) == (1, "qa.published", question.reference)
    html = payload["html"]
    assert isinstance(html, dict) and set(html) == {"da", "sv", "en"}
    assert "Til foråret." in html["da"] and "Hvornår bliver stien bygget?" in html["da"]
    assert "Socialdemokratiet" in html["en"] and "answers" in html["en"]
    assert "svarer" in html["da"] and "svarar" in html["sv"]
    kinds = list(
        ArchiveEntry.objects.filter(subject_ref=question.reference).values_list("kind", flat=True)
    )
    assert kinds == [
        EntryKind.CHAT_QUESTION_RECEIVED,
        EntryKind.DECISION,  # handing a waiting question to a politician approves it
        EntryKind.CHAT_STEP,
        EntryKind.CHAT_ANSWER,
        EntryKind.CHAT_STEP,
        EntryKind.CHAT_STEP,
    ]


def test_national_id_numbers_are_masked_in_what_the_public_receives(
    chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    question = ask(
        chat, "Mit CPR er 010190-1234. Hvornår bygger I stien?", display_name="Carla 020290-2345"
    )
    actions.assign_question(question=question, moderator=alice, politician=bob)
    actions.answer_question(question=question, politician=bob, text="Til foråret.")
    [(_seq, _kind, payload)] = events(chat.public_stream)
    html, announce = payload["html"], payload["announce"]
    assert isinstance(html, dict) and isinstance(announce, dict)
    assert "010190" not in html["da"] and "••••••-••••" in html["da"]
    assert "020290" not in html["da"] and "020290" not in announce["da"]


def test_a_second_moderator_acting_on_a_handled_question_is_told_not_overwritten(
    chat: ChatSession, ask: Ask, alice: User, moritz: User, bob: User, vera: User
) -> None:
    question = ask(chat)
    stale = Question.objects.get(pk=question.pk)
    actions.assign_question(question=question, moderator=alice, politician=bob)
    with pytest.raises(actions.AlreadyHandled) as refused:
        actions.approve_question(question=stale, moderator=moritz)
    assert refused.value.question.status == QuestionStatus.ASSIGNED
    with pytest.raises(actions.AlreadyHandled):
        actions.assign_question(question=stale, moderator=moritz, politician=bob)
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.ASSIGNED, bob)
    assert question.steps.count() == 1


def test_a_forged_assignment_to_someone_off_the_panel_is_refused(
    chat: ChatSession, ask: Ask, alice: User, olga: User
) -> None:
    question = ask(chat)
    with pytest.raises(actions.NotOnPanel):
        actions.assign_question(question=question, moderator=alice, politician=olga)
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.PENDING, None)


def test_only_the_assignee_can_answer(
    chat: ChatSession, ask: Ask, alice: User, bob: User, vera: User
) -> None:
    question = ask(chat)
    actions.assign_question(question=question, moderator=alice, politician=bob)
    with pytest.raises(actions.NotAssignee):
        actions.answer_question(question=question, politician=vera, text="Jeg svarer i stedet.")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ASSIGNED
    assert not question.answers.exists()


def test_reviewed_answers_wait_for_a_moderator_and_can_be_returned(
    make_chat: Callable[..., ChatSession], ask: Ask, alice: User, bob: User
) -> None:
    chat = make_chat(answers_reviewed=True)
    question = ask(chat)
    actions.assign_question(question=question, moderator=alice, politician=bob)
    actions.answer_question(question=question, politician=bob, text="Første udkast")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert events(chat.public_stream) == []
    actions.return_answer(question=question, moderator=alice, note="Svar på selve spørgsmålet.")
    actions.answer_question(question=question, politician=bob, text="Til foråret 2027.")
    actions.publish_answer(question=question, moderator=alice)
    [(_seq, kind, payload)] = events(chat.public_stream)
    html = payload["html"]
    assert kind == "qa.published" and isinstance(html, dict)
    assert "Til foråret 2027." in html["da"] and "Første udkast" not in html["da"]
    # Both versions are kept.
    assert list(question.answers.values_list("text", flat=True)) == [
        "Første udkast",
        "Til foråret 2027.",
    ]


def test_rejection_cites_rules_of_the_rule_set_in_force(
    chat: ChatSession, ask: Ask, alice: User
) -> None:
    question = ask(chat, "Køb billige solbriller på spam.example")
    actions.reject_question(question=question, moderator=alice, rule_codes=["COMMERCIAL"])
    # A moderation decision like any post's, and no chat step.
    decision = question.post.decisions.get()
    assert (decision.kind, decision.moderator) == ("reject", alice)
    assert list(decision.rules.values_list("code", flat=True)) == ["COMMERCIAL"]
    assert not question.steps.exists()
    entry = ArchiveEntry.objects.filter(kind=EntryKind.DECISION).get()
    assert '"rules":["COMMERCIAL"]' in entry.canonical
    question.refresh_from_db()
    assert (question.status, question.post.status) == (QuestionStatus.REJECTED, "rejected")


def test_closing_marks_what_is_left_not_reached_and_keeps_published_pairs(
    chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    answered = ask(chat, "Første spørgsmål")
    actions.assign_question(question=answered, moderator=alice, politician=bob)
    actions.answer_question(question=answered, politician=bob, text="Svar")
    waiting = ask(chat, "Andet spørgsmål")
    assigned = ask(chat, "Tredje spørgsmål")
    actions.assign_question(question=assigned, moderator=alice, politician=bob)
    rejected = ask(chat, "Fjerde")
    actions.reject_question(question=rejected, moderator=alice, rule_codes=["ON_TOPIC"])

    assert actions.close_due_chats(now=chat.closes_at - timedelta(seconds=1)) == 0
    assert actions.close_due_chats(now=chat.closes_at + timedelta(seconds=5)) == 1
    assert actions.close_due_chats(now=chat.closes_at + timedelta(seconds=10)) == 0

    statuses = dict(Question.objects.values_list("post__reference", "status"))
    assert statuses == {
        answered.reference: QuestionStatus.PUBLISHED,
        waiting.reference: QuestionStatus.NOT_REACHED,
        assigned.reference: QuestionStatus.NOT_REACHED,
        rejected.reference: QuestionStatus.REJECTED,
    }
    chat.refresh_from_db()
    assert chat.closed_at == chat.closes_at
    step = assigned.steps.get(kind=StepKind.NOT_REACHED)
    assert (step.actor, step.at) == (None, chat.closes_at)
    assert events(chat.public_stream)[-1][1] == "chat.closed"
    # A late answer to a question the clock has closed is refused.
    with pytest.raises(actions.AlreadyHandled):
        actions.answer_question(question=assigned, politician=bob, text="For sent")


def test_upvotes_count_once_per_viewer_and_only_when_enabled(
    make_chat: Callable[..., ChatSession], ask: Ask, alice: User
) -> None:
    chat = make_chat(upvotes_enabled=True)
    question = ask(chat)
    actions.approve_question(question=question, moderator=alice)
    assert actions.upvote_question(question=question, voter="v1") == 1
    assert actions.upvote_question(question=question, voter="v2") == 2
    with pytest.raises(actions.AlreadyUpvoted):
        actions.upvote_question(question=question, voter="v1")
    kinds = [kind for _seq, kind, _payload in events(chat.public_stream)]
    assert kinds == ["question.waiting"]


def test_tick_closes_due_chats_and_forgets_old_client_hashes(
    make_chat: Callable[..., ChatSession], ask: Ask
) -> None:
    now = timezone.now()
    chat = make_chat(
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=39, hours=23)
    )
    old = ask(chat, client_hash="old-client", now=now - timedelta(days=39, hours=23, minutes=30))
    current = make_chat(slug="i-dag")
    new = ask(current, client_hash="new-client")
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "1 live chat(s) closed" in out.getvalue()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.post.client_hash, new.post.client_hash) == (
        QuestionStatus.NOT_REACHED,
        "",
        "new-client",
    )
    assert old.text == "Hvornår bliver stien bygget?"  # only the hash is forgotten
