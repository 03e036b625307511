"""The chat's pages through Django's test client, as citizens, moderators and politicians use
them without scripts; live.js only calls the same endpoints with Accept: application/json."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import Settings

from torget.accounts.models import User
from torget.conftest import sign_in
from torget.dialogues.models import Dialogue
from torget.livechat import actions
from torget.livechat.models import ChatSession, Question, QuestionStatus

Ask = Callable[..., Question]
JSON = {"Accept": "application/json"}


def ask_form(client: Client, chat: ChatSession, **data: str) -> tuple[int, str, str]:
    values = {"display_name": "Carla", "text": "Hvornår bliver stien bygget?", "website": ""}
    values.setdefault("submission_token", str(uuid.uuid4()))
    values.update(data)
    response = client.post(f"/chat/{chat.slug}/ask/", values)
    return response.status_code, response.get("Location", ""), response.content.decode()


def test_a_citizen_asks_during_the_window_and_gets_a_durable_receipt(
    client: Client, chat: ChatSession
) -> None:
    page = client.get(f"/chat/{chat.slug}/").content.decode()
    assert "answered as time permits" in page and "kept as a public record" in page
    status, location, _body = ask_form(client, chat)
    question = Question.objects.get()
    assert (status, location) == (302, f"/question/{question.reference}/")
    receipt = client.get(location).content.decode()
    assert question.reference in receipt and "Hvornår bliver stien bygget?" in receipt


def test_the_same_form_sent_twice_gives_the_first_receipt(
    client: Client, chat: ChatSession
) -> None:
    token = str(uuid.uuid4())
    first = ask_form(client, chat, submission_token=token)
    client.cookies["torget_language"] = "en"
    second = ask_form(client, chat, submission_token=token)
    assert first[1] == second[1]
    assert Question.objects.count() == 1
    assert "This form was already sent" in client.get(second[1]).content.decode()


def test_the_same_form_sent_again_past_the_clients_limit_gives_its_receipt(
    client: Client, chat: ChatSession, settings: Settings
) -> None:
    # Given a limit of one question per client, used up by Carla's question
    settings.CHAT_QUESTION_RATE_LIMIT = 1
    token = str(uuid.uuid4())
    _status, receipt, _body = ask_form(client, chat, submission_token=token)
    # When she sends the same form again (the back button), it is not refused as a flood
    assert ask_form(client, chat, submission_token=token)[:2] == (302, receipt)
    # while a new question is
    assert ask_form(client, chat)[0] == 429
    assert Question.objects.count() == 1


def _selects_of_one_question(client: Client, chat: ChatSession) -> list[str]:
    """The SELECT statements of one question asked after a warm-up (the clock's tick, the
    cached authority and chat)."""
    ask_form(client, chat)
    with CaptureQueriesContext(connection) as captured:
        status, _location, _body = ask_form(client, chat)
    assert status == 302
    statements = [query["sql"] for query in captured.captured_queries]
    return [sql for sql in statements if sql.startswith("SELECT")]


def test_a_question_sent_once_is_not_looked_up_before_it_is_stored(
    client: Client, chat: ChatSession
) -> None:
    # The token's unique constraint is what catches a form sent twice.
    token_lookups = [
        sql
        for sql in _selects_of_one_question(client, chat)
        if "submission_token" in sql.split("WHERE")[-1]
    ]
    assert token_lookups == []


def test_a_question_reads_its_chat_once_under_the_chats_lock(
    client: Client, chat: ChatSession
) -> None:
    chat_reads = [
        sql for sql in _selects_of_one_question(client, chat) if '"livechat_chatsession"' in sql
    ]
    assert len(chat_reads) == 1, chat_reads
    if connection.vendor == "postgresql":
        # Only the chat's row is locked: the dialogue's stays free for its own actions.
        assert 'FOR UPDATE OF "livechat_chatsession"' in chat_reads[0]


def test_a_lower_question_limit_applies_to_the_next_question_at_once(
    client: Client, chat: ChatSession, olga: User, alice: User, moritz: User, bob: User, vera: User
) -> None:
    # Given a question form the chat's facts are known for (limit 300)
    assert ask_form(client, chat, text="x" * 250)[0] == 302
    # When the dialogue owner lowers the limit to 200
    actions.edit_chat_session(
        session=chat,
        actor=olga,
        title=chat.title,
        description=chat.description,
        opens_at=chat.opens_at,
        closes_at=chat.closes_at,
        question_max_length=200,
        answers_reviewed=chat.answers_reviewed,
        upvotes_enabled=chat.upvotes_enabled,
        moderators=[alice, moritz],
        panel=[bob, vera],
    )
    # Then a question of 250 characters is refused with the new limit, and nothing is stored
    status, _location, body = ask_form(client, chat, text="y" * 250)
    assert status == 400 and "at most 200 characters" in body
    assert Question.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        ("x" * 301, "at most 300 characters"),
        ("Hej\u0007der", "invisible control characters"),
    ],
)
def test_bad_questions_are_refused_with_a_clear_message_and_nothing_stored(
    client: Client, chat: ChatSession, text: str, message: str
) -> None:
    status, _location, body = ask_form(client, chat, text=text)
    assert status == 400
    assert message in body
    assert not Question.objects.exists()


def test_html_in_a_question_is_shown_as_text(
    client: Client, chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    question = ask(chat, "<script>alert(1)</script> Hvornår?")
    actions.assign_question(question=question, moderator=alice, politician=bob)
    actions.answer_question(question=question, politician=bob, text="<b>Snart</b>")
    page = client.get(f"/chat/{chat.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;Snart&lt;/b&gt;" in page


def test_before_the_chat_opens_questions_are_taken_and_after_it_closes_refused(
    client: Client, make_chat: Callable[..., ChatSession]
) -> None:
    now = timezone.now()
    later = make_chat(
        slug="senere", opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2)
    )
    page = client.get("/chat/senere/").content.decode()
    assert "The chat opens" in page and "You can send your question already" in page
    assert 'action="/chat/senere/ask/"' in page
    assert ask_form(client, later)[0] == 302
    assert Question.objects.get().status == "pending"

    earlier = make_chat(
        slug="tidligere", opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1)
    )
    actions.close_due_chats()
    page = client.get("/chat/tidligere/").content.decode()
    assert "The chat closed" in page
    status, _location, body = ask_form(client, earlier)
    assert status == 409 and "Your question was not stored." in body
    assert Question.objects.count() == 1


def test_a_flood_from_one_client_is_stopped(
    client: Client, chat: ChatSession, settings: Settings
) -> None:
    settings.CHAT_QUESTION_RATE_LIMIT = 2
    assert ask_form(client, chat)[0] == 302
    assert ask_form(client, chat)[0] == 302
    status, _location, body = ask_form(client, chat)
    assert status == 429 and "Your latest question was not stored." in body
    assert Question.objects.count() == 2


def test_asking_outside_the_window_does_not_use_up_the_clients_questions(
    client: Client, make_chat: Callable[..., ChatSession], settings: Settings
) -> None:
    # Given a chat that closed an hour ago and a limit of one question per client
    settings.CHAT_QUESTION_RATE_LIMIT = 1
    now = timezone.now()
    earlier = make_chat(
        slug="tidligere", opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1)
    )
    # When Carla tries twice too late, she is told both times that the chat is not open
    for _ in range(2):
        status, _location, body = ask_form(client, earlier)
        assert status == 409 and "Your question was not stored." in body
    assert not Question.objects.exists()


def test_the_honeypot_refuses_automated_senders(client: Client, chat: ChatSession) -> None:
    status, _location, _body = ask_form(client, chat, website="http://spam.example")
    assert status == 400
    assert not Question.objects.exists()


def test_only_the_chats_own_moderators_and_panel_see_the_consoles(
    client: Client, chat: ChatSession, adam: User, bob: User, alice: User
) -> None:
    for url in (f"/staff/chats/{chat.pk}/moderate/", f"/staff/chats/{chat.pk}/answer/"):
        assert client.get(url).status_code == 302  # to the sign-in page
    sign_in(client, adam)
    assert client.get(f"/staff/chats/{chat.pk}/moderate/").status_code == 403
    assert client.get(f"/staff/chats/{chat.pk}/live/").status_code == 403
    client.logout()
    sign_in(client, bob)
    assert client.get(f"/staff/chats/{chat.pk}/moderate/").status_code == 403
    assert client.get(f"/staff/chats/{chat.pk}/answer/").status_code == 200
    client.logout()
    sign_in(client, alice)
    assert client.get(f"/staff/chats/{chat.pk}/moderate/").status_code == 200
    assert client.get(f"/staff/chats/{chat.pk}/answer/").status_code == 403


def test_the_moderator_steps_answer_in_json_and_a_second_click_is_told(
    client: Client, chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    question = ask(chat)
    sign_in(client, alice)
    base = f"/staff/chats/{chat.pk}/moderate/{question.reference}"
    first = client.post(f"{base}/assign/", {"politician": bob.pk}, headers=JSON)
    assert first.status_code == 200 and first.json()["ok"] is True
    again = client.post(f"{base}/approve/", headers=JSON)
    assert again.status_code == 409
    assert "already handled" in again.json()["message"]
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.ASSIGNED, bob)
    # Without scripts the same step redirects back to the console with the message.
    plain = client.post(f"{base}/approve/", follow=True)
    assert "already handled" in plain.content.decode()


def test_a_forged_assignment_to_someone_off_the_panel_is_refused(
    client: Client, chat: ChatSession, ask: Ask, alice: User, olga: User
) -> None:
    question = ask(chat)
    sign_in(client, alice)
    url = f"/staff/chats/{chat.pk}/moderate/{question.reference}/assign/"
    for value in (str(olga.pk), "999999", "not a number"):
        response = client.post(url, {"politician": value}, headers=JSON)
        assert response.status_code == 409
        assert response.json()["ok"] is False
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


def test_rejecting_needs_a_rule_and_cites_it(
    client: Client, chat: ChatSession, ask: Ask, alice: User
) -> None:
    question = ask(chat)
    sign_in(client, alice)
    url = f"/staff/chats/{chat.pk}/moderate/{question.reference}/reject/"
    assert client.post(url, {"rules": "NO_SUCH_RULE"}, headers=JSON).status_code == 409
    response = client.post(url, {"rules": "RESPECT", "note": "Tonen"}, headers=JSON)
    assert response.status_code == 200
    decision = question.post.decisions.get()
    assert (list(decision.rules.values_list("code", flat=True)), decision.note) == (
        ["RESPECT"],
        "Tonen",
    )


def test_an_answer_from_someone_who_is_not_the_assignee_is_refused_and_kept_on_screen(
    client: Client, chat: ChatSession, ask: Ask, alice: User, bob: User, vera: User
) -> None:
    question = ask(chat)
    actions.assign_question(question=question, moderator=alice, politician=bob)
    sign_in(client, vera)
    response = client.post(
        f"/staff/chats/{chat.pk}/answer/{question.reference}/send/", {"text": "Mit svar"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "assigned to someone else" in body and "Mit svar" in body
    assert not question.answers.exists()


def test_the_assignee_answers_and_the_pair_is_on_the_public_page(
    client: Client, chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    question = ask(chat)
    actions.assign_question(question=question, moderator=alice, politician=bob)
    staff = Client()
    sign_in(staff, bob)
    console = staff.get(f"/staff/chats/{chat.pk}/answer/").content.decode()
    assert question.reference in console
    empty = staff.post(f"/staff/chats/{chat.pk}/answer/{question.reference}/send/", {"text": ""})
    assert empty.status_code == 400
    sent = staff.post(
        f"/staff/chats/{chat.pk}/answer/{question.reference}/send/", {"text": "Til foråret."}
    )
    assert sent.status_code == 302
    page = client.get(f"/chat/{chat.slug}/").content.decode()
    assert f'id="qa-{question.reference}"' in page and "Til foråret." in page


def test_console_fragments_follow_each_question(
    client: Client, chat: ChatSession, ask: Ask, alice: User, bob: User, vera: User
) -> None:
    question = ask(chat)
    sign_in(client, alice)
    item = client.get(f"/staff/chats/{chat.pk}/moderate/{question.reference}/").content.decode()
    assert 'data-section="pending"' in item
    actions.assign_question(question=question, moderator=alice, politician=bob)
    item = client.get(f"/staff/chats/{chat.pk}/moderate/{question.reference}/").content.decode()
    assert 'data-section="assigned"' in item
    counters = client.get(f"/staff/chats/{chat.pk}/moderate/counters/").content.decode()
    assert "Socialdemokratiet" in counters and "Venstre" in counters
    politician = Client()
    sign_in(politician, vera)
    # Vera's console has nothing to show for a question handed to Bob.
    url = f"/staff/chats/{chat.pk}/answer/{question.reference}/"
    assert politician.get(url).status_code == 204


@pytest.mark.parametrize(
    ("header", "message"),
    [("abc", "digits 0-9 only"), ("-1", "digits 0-9 only"), ("99", "from the future")],
)
def test_a_bad_last_event_id_gets_a_clear_answer(
    client: Client, chat: ChatSession, header: str, message: str
) -> None:
    response = client.get(f"/chat/{chat.slug}/live/", HTTP_LAST_EVENT_ID=header)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_transcript_exports_in_three_formats(
    client: Client, chat: ChatSession, ask: Ask, alice: User, bob: User
) -> None:
    for text in ("Første?", "=HYPERLINK(1)"):
        question = ask(chat, text)
        actions.assign_question(question=question, moderator=alice, politician=bob)
        actions.answer_question(question=question, politician=bob, text=f"Svar på {text}")
    ask(chat, "Ikke besvaret")
    document = client.get(f"/chat/{chat.slug}/transcript.json").json()
    assert [pair["question"] for pair in document["pairs"]] == ["Første?", "=HYPERLINK(1)"]
    assert document["pairs"][0]["party"] == "Socialdemokratiet"
    response = client.get(f"/chat/{chat.slug}/transcript.csv")
    assert response["Content-Disposition"].endswith('-transcript.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["question"] for row in rows] == ["Første?", "'=HYPERLINK(1)"]
    html = client.get(f"/chat/{chat.slug}/transcript.html").content.decode()
    assert "Svar på Første?" in html and "Ikke besvaret" not in html
    assert client.get(f"/chat/{chat.slug}/transcript.exe").status_code == 404


def test_a_dialogue_owner_creates_a_chat_with_a_panel(
    client: Client, open_dialogue: Dialogue, olga: User, alice: User, bob: User, vera: User
) -> None:
    sign_in(client, olga)
    now = timezone.localtime()
    data = {
        "title": "Spørgetime",
        "slug": "spoergetime",
        "description": "",
        "opens_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": now.strftime("%Y-%m-%dT%H:%M"),
        "question_max_length": "300",
        "moderators": [str(alice.pk)],
        "panel": [str(bob.pk), str(vera.pk)],
    }
    dialogue_pk = open_dialogue.pk
    wrong = client.post(f"/staff/dialogues/{dialogue_pk}/chats/new/", data)
    assert (
        wrong.status_code == 400 and "The chat must close after it opens." in wrong.content.decode()
    )
    data["closes_at"] = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(f"/staff/dialogues/{dialogue_pk}/chats/new/", data)
    assert created.status_code == 302
    chat = ChatSession.objects.get()
    assert [seat.politician for seat in actions.seated(chat)] == [bob, vera]
    assert list(chat.moderators.all()) == [alice]


def test_handing_out_before_the_chat_opens_is_refused_with_a_reason(
    client: Client, make_chat: Callable[..., ChatSession], ask: Ask, alice: User, bob: User
) -> None:
    now = timezone.now()
    later = make_chat(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    question = ask(later)
    sign_in(client, alice)
    url = f"/staff/chats/{later.pk}/moderate/{question.reference}/assign/"
    response = client.post(url, {"politician": bob.pk}, headers=JSON)
    assert response.status_code == 409
    assert "The chat has not opened yet" in response.json()["message"]
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.PENDING, None)
