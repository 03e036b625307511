"""The live chat, done by the people themselves in four Chromium contexts.

Dana watches the public page; Alice has the moderator console open and Bob the politician's
console. Carla asks a question in her own browser; it appears in Alice's console without a
reload, Alice hands it to Bob with one key press, it appears in Bob's console, Bob answers,
and the question with its answer appears on Dana's page without a reload, announced politely.
The server is uvicorn (ASGI) in this process with the in-process broker, as `torget serve`
runs it, because the page's live updates are server-sent events.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django import Settings

from torget.accounts.models import User
from torget.browser.conftest import AxeAudit, sign_in_staff, submit
from torget.livechat.models import ChatSession, Question, QuestionStatus
from torget.realtime.tests.conftest import uvicorn_in_thread

pytestmark = pytest.mark.browser

QUESTION = "Hvornår begynder byggeriet af cykelstien?"
ANSWER = "Vi begynder til foråret, når udvalget har valgt linjeføringen."


@pytest.fixture
def site(transactional_db: None, settings: Settings) -> Iterator[str]:
    settings.REALTIME_BROKER = "inprocess"
    settings.REALTIME_HEARTBEAT_SECONDS = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with uvicorn_in_thread() as address:
        yield f"http://{address.host}:{address.port}"


@pytest.fixture
def person(browser: Browser, site: str) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def _open() -> Page:
        context = browser.new_context(
            base_url=site, locale="da-DK", timezone_id="Europe/Copenhagen"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def test_a_question_travels_from_citizen_to_moderator_to_politician_to_every_viewer(
    person: Any, chat: ChatSession, alice: User, bob: User
) -> None:
    dana, alice_page, bob_page, carla = person(), person(), person(), person()

    # Dana watches; the page marks itself so a reload would show.
    dana.goto(f"/chat/{chat.slug}/")
    dana.evaluate("window.stillTheSamePage = true")
    expect(dana.locator("[data-live-status]")).to_be_visible()
    sign_in_staff(alice_page, alice)
    alice_page.goto(f"/staff/chats/{chat.pk}/moderate/")
    sign_in_staff(bob_page, bob)
    bob_page.goto(f"/staff/chats/{chat.pk}/answer/")
    for page in (alice_page, bob_page):
        expect(page.locator("[data-live-status]")).to_be_visible()

    # Carla asks, in her own browser, and keeps her receipt.
    carla.goto(f"/chat/{chat.slug}/")
    carla.locator("#id_display_name").fill("Carla")
    carla.locator("#id_text").fill(QUESTION)
    submit(carla, carla.locator(f"form[action='/chat/{chat.slug}/ask/'] button[type=submit]"))
    question = Question.objects.get()
    expect(carla.locator(".receipt-number")).to_have_text(question.reference)

    # It arrives in Alice's console without a reload; she hands it to Bob with the key "1".
    item = alice_page.locator(f"#section-pending #q-{question.reference}")
    expect(item).to_contain_text(QUESTION)
    item.focus()
    alice_page.keyboard.press("1")
    expect(alice_page.locator(f"#section-assigned #q-{question.reference}")).to_be_visible()
    expect(alice_page.locator("[data-live-messages]")).to_contain_text(question.reference)
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.ASSIGNED, bob)

    # It arrives in Bob's console without a reload; he answers.
    mine = bob_page.locator(f"#section-to_answer #q-{question.reference}")
    expect(mine).to_contain_text(QUESTION)
    mine.locator("textarea").fill(ANSWER)
    mine.locator("button[type=submit]").click()
    expect(bob_page.locator(f"#section-sent #q-{question.reference}")).to_contain_text(ANSWER)

    # Dana sees question and answer together, announced, and never reloaded.
    pair = dana.locator(f"#qa-list #qa-{question.reference}")
    expect(pair).to_contain_text(QUESTION)
    expect(pair).to_contain_text(ANSWER)
    expect(pair).to_contain_text("Socialdemokratiet")
    expect(dana.locator("[data-live-announcer]")).to_contain_text("Bob")
    assert dana.evaluate("window.stillTheSamePage") is True
    # The moderator's console has moved it on to the handled questions.
    expect(alice_page.locator(f"#section-handled #q-{question.reference}")).to_be_visible()


def test_the_chat_pages_pass_axe(
    person: Any, make_chat: Any, ask: Any, alice: User, bob: User, olga: User
) -> None:
    from torget.livechat import actions

    chat = make_chat(upvotes_enabled=True, answers_reviewed=True)
    answered = ask(chat, "Hvornår bliver stien færdig?")
    actions.assign_question(question=answered, moderator=alice, politician=bob)
    actions.answer_question(question=answered, politician=bob, text="Næste år.")
    actions.publish_answer(question=answered, moderator=alice)
    waiting = ask(chat, "Kommer der lys?")
    actions.approve_question(question=waiting, moderator=alice)
    reviewed = ask(chat, "Og bænke?")
    actions.assign_question(question=reviewed, moderator=alice, politician=bob)
    actions.answer_question(question=reviewed, politician=bob, text="Ja.")
    ask(chat, "Mit CPR er 010190-1234, og jeg vil vide mere")
    assigned = ask(chat, "Hvad koster den?")
    actions.assign_question(question=assigned, moderator=alice, politician=bob)

    page = person()
    audit = AxeAudit(page)
    for path, label in [
        (f"/chat/{chat.slug}/", "chat page"),
        (f"/chat/{chat.slug}/projector/", "projector"),
        (f"/question/{waiting.reference}/", "question receipt"),
    ]:
        page.goto(path)
        audit.check(label)
    staff = person()
    sign_in_staff(staff, alice)
    audit.page = staff
    for path, label in [
        (f"/staff/chats/{chat.pk}/moderate/", "moderator console"),
        ("/staff/chats/", "my chats"),
    ]:
        staff.goto(path)
        audit.check(label)
    owner = person()
    sign_in_staff(owner, olga)
    audit.page = owner
    for path, label in [
        (f"/staff/chats/{chat.pk}/", "chat settings"),
        (f"/staff/dialogues/{chat.dialogue_id}/chats/new/", "new chat"),
        (f"/staff/dialogues/{chat.dialogue_id}/", "dialogue with chats"),
    ]:
        owner.goto(path)
        expect(owner.locator("h1")).not_to_contain_text("403")
        audit.check(label)
    politician = person()
    sign_in_staff(politician, bob)
    audit.page = politician
    politician.goto(f"/staff/chats/{chat.pk}/answer/")
    audit.check("politician console")
    audit.assert_clean()
