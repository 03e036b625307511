"""Every page of reviews, blocks and threats passes axe-core's WCAG 2.1 A and AA rules in a
real Chromium, with and without validation errors, for the moderator, the second moderator,
the threatened politician and the author asking for a review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from torget.accounts.models import User
from torget.browser.conftest import (
    AxeAudit,
    NewContext,
    assert_error_summary_links_resolve,
    sign_in_staff,
    submit,
)
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions
from torget.moderation.models import BlockScope
from torget.moderation.tests.conftest import (  # noqa: F401 - fixtures, found by name
    CARLA,
    carlas,
    decision_notice,
    rejected,
    review_path_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def case(
    alice: User,
    bob: User,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    rejected: Post,
) -> Post:
    """Carla's rejected post, marked as a threat against Bob, with another post waiting."""
    contribute(open_dialogue, "Linjeføring A, tak.")
    actions.mark_threat(contribution=rejected, politician=bob, moderator=alice)
    return rejected


def test_the_authors_review_request_and_the_refusal_page_pass_axe(
    page: Page, case: Post, open_dialogue: Dialogue, alice: User
) -> None:
    audit = AxeAudit(page)
    page.goto(review_path_in(decision_notice()))
    audit.check("request for review")
    submit(page, page.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(page)
    audit.check("request for review without a reason")
    page.locator("#id_reason").fill("Det var skarp kritik, ikke et skældsord.")
    submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator("main form")).to_have_count(0)
    audit.check("request for review, registered")
    page.goto("/rules/review/not-a-token/")
    audit.check("request for review with a broken link")

    actions.impose_block(
        contribution=case,
        moderator=alice,
        scope=BlockScope.ORGANISATION,
        rule_codes=["THREATS"],
        reasons="Trusler.",
        ends_at=timezone.now() + timedelta(days=5),
        restoration="Af sig selv.",
        complaint="Til dialog@testby.example.",
    )
    page.goto(f"/d/{open_dialogue.slug}/")
    page.locator("#id_display_name").fill("Carla")
    page.locator("#id_text").fill("Igen.")
    page.locator("#id_email").fill(CARLA)
    response = submit(page, page.locator("form[action$='/contribute/'] button[type=submit]"))
    assert response is not None and response.status == 403
    audit.check("refusal: blocked")
    audit.assert_clean()


def test_the_moderators_pages_pass_axe(
    new_context: NewContext, case: Post, alice: User, moritz: User
) -> None:
    actions.request_review(decision=case.decisions.get(), reason="Uenig.")
    page = new_context().new_page()
    sign_in_staff(page, alice)
    audit = AxeAudit(page)
    page.goto("/staff/moderation/")
    audit.check("queue with reviews, a threat and the search")
    page.goto(f"/staff/moderation/{case.pk}/")
    audit.check("contribution with its history")
    page.goto(f"/staff/moderation/{case.pk}/threat/")
    audit.check("mark as a threat")
    submit(page, page.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(page)
    audit.check("mark as a threat without a politician")
    page.goto(f"/staff/moderation/{case.pk}/block/")
    audit.check("block form")
    page.locator("#id_reasons").fill("")
    submit(page, page.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(page)
    audit.check("block form with errors")
    page.locator("input[name=rules][value=THREATS]").check()
    page.locator("#id_reasons").fill("Trusler mod en navngiven politiker.")
    page.locator("#id_ends_at").fill("2099-01-01T12:00")
    submit(page, page.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(page)
    audit.check("block form with an end beyond the maximum")
    actions.impose_block(
        contribution=case,
        moderator=alice,
        scope=BlockScope.DIALOGUE,
        rule_codes=["THREATS"],
        reasons="Trusler.",
        ends_at=timezone.now() + timedelta(days=5),
        restoration="Af sig selv.",
        complaint="Til dialog@testby.example.",
    )
    page.goto("/staff/moderation/blocks/")
    audit.check("blocks")
    submit(page, page.locator("main a[href$='/lift/']"))
    audit.check("lift a block")
    page.goto("/staff/moderation/threats/")
    audit.check("threats for a moderator")
    page.goto("/staff/moderation/reviews/")
    audit.check("requests for review")

    second = new_context().new_page()
    sign_in_staff(second, moritz)
    second_audit = AxeAudit(second)
    second.goto("/staff/moderation/reviews/")
    submit(second, second.locator("main a[href^='/staff/moderation/reviews/']").first)
    second_audit.check("review to decide")
    submit(second, second.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(second)
    second_audit.check("review to decide, with errors")
    page.goto(second.url)
    audit.check("review the moderator made the decision on")
    audit.assert_clean()
    second_audit.assert_clean()


def test_the_politicians_pages_pass_axe(page: Page, case: Post, bob: User) -> None:
    sign_in_staff(page, bob)
    audit = AxeAudit(page)
    page.goto("/staff/moderation/threats/")
    audit.check("threats against me, texts hidden")
    submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator("main .user-text")).to_be_visible()
    audit.check("the text I chose to see")
    audit.assert_clean()
