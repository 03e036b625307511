"""Questions asked at the same moment are stored together, in one transaction (group commit):
each citizen gets their own receipt or refusal once it is committed, the moderators' console
hears of every question, in order, and one refusal never costs anyone else theirs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from torget.archive.chain import verify_chain
from torget.archive.models import ArchiveEntry, EntryKind
from torget.core.tests.all_at_once import statements_to_store, while_writer_busy
from torget.livechat import actions
from torget.livechat.models import ChatSession, Question, QuestionStatus
from torget.realtime.models import StreamEvent
from torget.screening.api import screen


def citizen_asks(chat: ChatSession, number: int) -> tuple[Question, bool]:
    """Citizen ``number`` asks through the action, as the question form does."""
    return actions.ask_question(
        session_pk=chat.pk,
        display_name=f"Borger {number}",
        text=f"Spørgsmål nummer {number}?",
        submission_token=uuid.uuid4(),
        client_hash=f"borger-{number}",
        language="da",
        max_length=chat.question_max_length,
    )


def new_question(chat: ChatSession, text: str, **overrides: Any) -> actions.NewQuestion:
    values: dict[str, Any] = {
        "session_pk": chat.pk,
        "display_name": "Carla",
        "text": text,
        "email": "",
        "submission_token": uuid.uuid4(),
        "client_hash": "carla",
        "language": "da",
        "screening": screen(text, language="da"),
        "now": timezone.now(),
    }
    values.update(overrides)
    return actions.NewQuestion(**values)


def staff_events(chat: ChatSession) -> list[tuple[int, str, dict[str, Any]]]:
    return list(
        StreamEvent.objects.filter(stream__name=chat.staff_stream)
        .order_by("seq")
        .values_list("seq", "kind", "payload")
    )


def test_each_question_of_a_batch_gets_its_own_outcome(
    chat: ChatSession, make_chat: Callable[..., ChatSession]
) -> None:
    # Given a second chat that has closed already
    later = make_chat(
        slug="senere",
        opens_at=timezone.now() - timedelta(hours=2),
        closes_at=timezone.now() - timedelta(hours=1),
    )
    events_before = staff_events(chat)
    twice = uuid.uuid4()
    batch = [
        new_question(chat, "Hvornår bygges stien?"),
        new_question(later, "For sent?"),
        new_question(chat, "Findes ikke?", session_pk=later.pk + 1000),
        new_question(chat, "Hvad koster den?", submission_token=twice),
        new_question(chat, "Hvad koster den?", submission_token=twice),
        new_question(chat, "Får den lys?"),
    ]

    # When they are stored together
    outcomes = actions.store_questions(batch)

    # Then the three new questions are stored once each and in order, the rest are told why
    first, too_late, unknown, cost, cost_again, light = outcomes
    assert isinstance(too_late, actions.ChatNotOpen)
    assert isinstance(unknown, ChatSession.DoesNotExist)
    assert isinstance(first, tuple) and isinstance(cost, tuple) and isinstance(light, tuple)
    assert cost_again == (cost[0], False)
    asked = [first[0], cost[0], light[0]]
    assert [question.text for question in Question.objects.order_by("pk")] == [
        "Hvornår bygges stien?",
        "Hvad koster den?",
        "Får den lys?",
    ]
    assert all(question.status == QuestionStatus.PENDING for question in asked)
    entries = ArchiveEntry.objects.filter(kind=EntryKind.CHAT_QUESTION_RECEIVED).order_by("seq")
    assert [e.subject_ref for e in entries] == [q.reference for q in asked]
    assert verify_chain().ok
    # The moderators' console hears of each, numbered on from where the stream was
    last = events_before[-1][0] if events_before else 0
    assert staff_events(chat)[len(events_before) :] == [
        (last + n, "question.changed", {"ref": q.reference, "status": "pending"})
        for n, q in enumerate(asked, start=1)
    ]
    assert staff_events(later) == []


def test_a_batch_of_questions_costs_the_same_statements_however_many_it_holds(
    chat: ChatSession,
) -> None:
    def statements(count: int) -> int:
        batch = [new_question(chat, f"Spørgsmål {n}?") for n in range(count)]
        return statements_to_store(actions.store_questions, batch)

    # Once the staff stream exists (its first event makes it): the chat, the posts, the
    # questions, the archive's head, entries, contents and new head, and the staff stream's
    # numbers and events (the PostgreSQL broker would add one notification per event)
    statements(1)
    assert statements(1) == statements(5) == 9
    assert Question.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_citizens_asking_at_once_share_one_transaction(chat: ChatSession) -> None:
    # Given a writer busy storing, and five citizens asking meanwhile
    writer = actions._questions
    batches_before = writer.batches

    def asking(number: int) -> Callable[[], tuple[Question, bool]]:
        return lambda: citizen_asks(chat, number)

    results = while_writer_busy(writer, [asking(number) for number in range(5)])

    # Then the next writer stores all five in one transaction, each with its own receipt, and
    # the moderators' console hears of them in the order they were stored
    assert writer.batches == batches_before + 1
    stored = dict(Question.objects.values_list("post__reference", "post__text"))
    assert [stored[question.reference] for question, _created in results] == [
        f"Spørgsmål nummer {number}?" for number in range(5)
    ]
    assert all(created for _question, created in results)
    assert [payload["ref"] for _seq, _kind, payload in staff_events(chat)][-5:] == [
        question.reference for question, _created in sorted(results, key=lambda r: r[0].pk)
    ]
    assert verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a pool of connections is PostgreSQL's; Django never closes an in-memory SQLite one",
)
@pytest.mark.django_db(transaction=True)
def test_citizens_waiting_for_the_writer_hold_no_database_connection(chat: ChatSession) -> None:
    # Given five citizens whose requests read the database before asking (a chat not cached
    # any more, the clock's tick), all waiting while the writer is busy
    writer = actions._questions
    their_connections: list[Any] = []

    def asking(number: int) -> Callable[[], tuple[Question, bool]]:
        def ask() -> tuple[Question, bool]:
            assert ChatSession.objects.filter(pk=chat.pk).exists()
            their_connections.append(connections[DEFAULT_DB_ALIAS])  # this thread's own
            return citizen_asks(chat, number)

        return ask

    held_while_waiting: list[bool] = []
    results = while_writer_busy(
        writer,
        [asking(number) for number in range(5)],
        meanwhile=lambda: held_while_waiting.extend(
            wrapper.connection is not None for wrapper in their_connections
        ),
    )

    # Then none of them held a connection while it waited: a worker's pool emptied by waiting
    # citizens would leave the writer waiting for a connection, and them for the writer
    assert held_while_waiting == [False] * 5
    assert all(created for _question, created in results)
    assert Question.objects.count() == 5
