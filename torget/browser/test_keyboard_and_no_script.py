"""Keyboard alone, and no JavaScript at all, are enough to take part and to moderate."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from torget.accounts.models import User
from torget.browser.conftest import NewContext, sign_in_staff
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.moderation.models import Decision, DecisionKind

pytestmark = pytest.mark.browser


def active_element_id(page: Page) -> str:
    element_id: str = page.evaluate("document.activeElement ? document.activeElement.id : ''")
    return element_id


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    target = page.locator(selector)
    expect(target).to_have_count(1)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(
    page: Page, open_dialogue: Dialogue
) -> None:
    page.goto(f"/d/{open_dialogue.slug}/")
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    # It is shown when it has focus (it sits off-screen otherwise).
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the main content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_a_moderator_rejects_with_a_rule_using_only_the_keyboard(
    page: Page,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    first = contribute(open_dialogue, "Linjeføring B er tryggest.")
    offending = contribute(open_dialogue, "Køb billige solbriller på example.com!")
    sign_in_staff(page, alice)
    page.goto("/staff/moderation/")

    checkbox = f"#rule-{offending.pk}-COMMERCIAL"
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(page.locator(checkbox)).to_be_checked()
    tab_to(page, f"#item-{offending.pk} button[value=reject]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    decision = Decision.objects.get(contribution=offending)
    assert (decision.kind, decision.moderator, decision.rule_set.version) == (
        DecisionKind.REJECT,
        alice,
        1,
    )
    assert list(decision.rules.values_list("code", flat=True)) == ["COMMERCIAL"]
    offending.refresh_from_db()
    first.refresh_from_db()
    assert offending.status == PostStatus.REJECTED
    # Only the item she acted on was decided; the other still waits, still on screen.
    assert first.status == PostStatus.PENDING
    expect(page.locator("main article[data-queue-item]")).to_have_count(1)
    expect(page.locator(f"#item-{first.pk}")).to_be_visible()


def test_the_contribution_form_works_without_javascript(
    new_context: NewContext, open_dialogue: Dialogue
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/d/{open_dialogue.slug}/")
    form = page.locator("form[action$='/contribute/']")

    # Sent empty, it comes back with the errors explained and nothing stored.
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    assert navigation.value is not None and navigation.value.status == 400
    expect(page.locator("#error-summary a[href='#id_text']")).to_be_visible()
    # Without a script to move focus there, the page title is what tells a screen reader
    # user at once that the form came back with errors.
    with translation.override("da"):
        expect(page).to_have_title(re.compile("^" + re.escape(translation.gettext("Error:"))))
    assert not Post.objects.exists()

    page.locator("#id_display_name").fill("Carla")
    page.locator("#id_text").fill("Byg stien på vestsiden af åen.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    stored = Post.objects.get()
    assert (stored.display_name, stored.text) == ("Carla", "Byg stien på vestsiden af åen.")
    expect(page.locator(".receipt-number")).to_have_text(stored.reference)

    # Going back and sending the same form again stores nothing new: the receipt is shown.
    page.go_back()
    with page.expect_navigation():
        page.locator("form[action$='/contribute/'] button[type=submit]").click()
    assert Post.objects.count() == 1


def test_single_key_shortcuts_act_only_on_the_queue_item_that_has_focus(
    page: Page,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    """WCAG 2.1.4: a one-letter shortcut must not fire from anywhere on the page, where a
    stray key press (or a speech-input user's word) would approve a contribution unseen."""
    first = contribute(open_dialogue, "Linjeføring B er tryggest.")
    second = contribute(open_dialogue, "Husk belysning ved tunnelen.")
    sign_in_staff(page, alice)
    page.goto("/staff/moderation/")

    # Nothing in the queue has focus: "a" does nothing.
    page.locator("h1").click()
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    assert not Decision.objects.exists()

    # In the first item, "j" moves on to the second one and "a" approves that one.
    tab_to(page, f"#item-{first.pk} button[value=reject]")
    page.keyboard.press("j")
    expect(page.locator(f"#item-{second.pk}")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("a")
    assert list(Decision.objects.values_list("contribution", "kind")) == [
        (second.pk, DecisionKind.APPROVE)
    ]
    first.refresh_from_db()
    assert first.status == PostStatus.PENDING
