"""One queue, in Chromium: citizens post to a post-moderated dialogue and ask in its live chat
through the real forms; a threat among them stays off the public page; Alice narrows the one
queue to the chat, approves the question there, and rejects the threat from the whole queue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from torget.accounts.models import User
from torget.browser.conftest import AxeAudit, NewContext, sign_in_staff, submit
from torget.dialogues.models import Dialogue, Post, PostChannel, PostStatus
from torget.livechat.models import ChatSession, QuestionStatus

pytestmark = pytest.mark.browser

CALM = "Linjeføring B er tryggest for børnene."
THREAT = "Jeg ved hvor du bor, og vi finder dig."
QUESTION = "Hvornår bliver stien belyst?"


def _post_contribution(page: Page, dialogue: Dialogue, name: str, text: str) -> None:
    page.goto(f"/d/{dialogue.slug}/")
    form = page.locator("form[action$='/contribute/']")
    form.locator("input[name=display_name]").fill(name)
    form.locator("textarea[name=text]").fill(text)
    submit(page, form.locator("button[type=submit]"))
    expect(page.locator("main")).to_contain_text("T-")


def test_a_moderator_handles_a_chat_question_and_contributions_from_one_queue(
    new_context: NewContext,
    make_dialogue: Callable[..., Dialogue],
    make_chat: Callable[..., ChatSession],
    alice: User,
) -> None:
    dialogue = make_dialogue(slug="belysning", moderation_mode="post")
    chat = make_chat(dialogue=dialogue)
    # Carla's browser runs no scripts: the forms work without, and the chat page then opens no
    # live stream, which the test server would keep serving after the test.
    carla = new_context(java_script_enabled=False).new_page()
    _post_contribution(carla, dialogue, "Carla", CALM)
    _post_contribution(carla, dialogue, "Vred borger", THREAT)

    # The calm contribution is public at once; the threat waits for a person.
    carla.goto(f"/d/{dialogue.slug}/")
    expect(carla.locator("#contributions")).to_contain_text(CALM)
    expect(carla.locator("#contributions")).not_to_contain_text(THREAT)

    carla.goto(f"/chat/{chat.slug}/")
    form = carla.locator(f"form[action='/chat/{chat.slug}/ask/']")
    form.locator("input[name=display_name]").fill("Carla")
    form.locator("textarea[name=text]").fill(QUESTION)
    submit(carla, form.locator("button[type=submit]"))

    threat = Post.objects.get(text=THREAT)
    question = Post.objects.get(text=QUESTION)
    assert question.channel == PostChannel.CHAT and threat.status == PostStatus.PENDING

    page = new_context().new_page()
    sign_in_staff(page, alice)
    page.goto("/staff/moderation/")
    ids = page.locator("article[data-queue-item]").evaluate_all("items => items.map(i => i.id)")
    calm = Post.objects.get(text=CALM)
    # The threat first; then the oldest: the calm contribution, then the question.
    assert ids == [f"item-{threat.pk}", f"item-{calm.pk}", f"item-{question.pk}"]
    expect(page.locator("#waiting-queues")).to_contain_text(chat.title)

    # Narrowed to the live chat, only the question; approving it comes back to the chat's queue.
    page.locator("#queue-channel").select_option(PostChannel.CHAT.value)
    submit(page, page.locator("#queue-filter button[type=submit]"))
    expect(page.locator("article[data-queue-item]")).to_have_count(1)
    audit = AxeAudit(page)
    audit.check("moderation queue narrowed to live chats")
    submit(page, page.locator(f"#item-{question.pk} button[value=approve]"))
    assert "channel=chat" in page.url
    expect(page.locator("article[data-queue-item]")).to_have_count(0)
    question.refresh_from_db()
    assert question.status == PostStatus.APPROVED
    assert question.question.status == QuestionStatus.APPROVED

    # The whole queue again: the threat is rejected citing the rule on threats.
    page.goto("/staff/moderation/")
    page.locator(f"#rule-{threat.pk}-THREATS").check()
    submit(page, page.locator(f"#item-{threat.pk} button[value=reject]"))
    threat.refresh_from_db()
    assert threat.status == PostStatus.REJECTED
    expect(page.locator("article[data-queue-item]")).to_have_count(1)
    audit.check("moderation queue")
    audit.assert_clean()

    carla.goto(f"/d/{dialogue.slug}/")
    expect(carla.locator("#contributions")).not_to_contain_text(THREAT)
