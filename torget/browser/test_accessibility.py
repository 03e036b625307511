"""Every public and staff page of the foundation passes axe-core's WCAG 2.1 A and AA rules.

Given Testby Kommune with dialogues in every public state, contributions awaiting and past
moderation and staff in each role, when a person visits each page in a real Chromium, then
axe-core finds no violation. Danish is the authority's language and every page is checked in
it; the main public pages are also checked in Swedish and English, chosen with the header's
language switch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from torget.accounts.models import AccessibilityStatement, Organisation, Role, User
from torget.browser.conftest import (
    AxeAudit,
    NewContext,
    assert_error_summary_links_resolve,
    choose_language,
    screenshot,
    sign_in_staff,
    submit,
)
from torget.conftest import PASSWORD, make_person
from torget.dialogues import actions as dialogue_actions
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import approve_contribution, reject_contribution
from torget.moderation.defaults import DEFAULT_RULES

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Showcase:
    open: Dialogue
    upcoming: Dialogue
    reported: Dialogue
    overdue: Dialogue
    draft: Dialogue
    pending: Post
    rejected: Post


@pytest.fixture
def showcase(
    make_dialogue: Callable[..., Dialogue],
    contribute: Callable[..., Post],
    olga: User,
    alice: User,
) -> Showcase:
    """A dialogue in every state a visitor or member of staff can meet, made by the actions."""
    now = timezone.now()
    days = timedelta(days=1)
    open_dialogue = make_dialogue()
    approve_contribution(
        contribution=contribute(open_dialogue, "Linjeføring B er tryggest for skolebørnene."),
        moderator=alice,
    )
    pending = contribute(
        open_dialogue,
        "Husk belysning ved tunnelen under Ringvejen.",
        display_name="Carla",
        email="carla@example.org",
    )
    rejected = contribute(
        open_dialogue, "Hvornår bliver min vej fejet?", display_name="Dennis", client_hash="d"
    )
    reject_contribution(
        contribution=rejected,
        moderator=alice,
        rule_codes=["ON_TOPIC"],
        note="Spørgsmålet handler om vejfejning, ikke om cykelstien.",
    )

    # Held last month; its feedback report is published.
    reported = make_dialogue(
        slug="skolevej",
        title="Sikker skolevej til Testby Skole",
        opens_at=now - 40 * days,
        closes_at=now - 10 * days,
        feedback_due=(now + 10 * days).date(),
        now=now - 20 * days,
    )
    approve_contribution(
        contribution=contribute(reported, "Et fodgængerfelt ved bageren.", now=now - 20 * days),
        moderator=alice,
    )
    dialogue_actions.advance_dialogues()
    report = dialogue_actions.save_feedback_report(
        dialogue=reported,
        author=olga,
        what_came_in="42 borgere skrev 57 indlæg. De fleste ønskede et fodgængerfelt.",
        how_it_was_used="Forslagene indgik i notatet til Teknik- og Miljøudvalget.",
        what_was_decided="Udvalget besluttede et fodgængerfelt ved bageren i 2026.",
    )
    dialogue_actions.publish_feedback_report(report=report, actor=olga)

    overdue = make_dialogue(
        slug="havnefront",
        title="Fremtidens havnefront",
        opens_at=now - 60 * days,
        closes_at=now - 30 * days,
        feedback_due=(now - 5 * days).date(),
    )
    upcoming = make_dialogue(
        slug="bibliotek",
        title="Et nyt bibliotek i Testby",
        opens_at=now + 3 * days,
        closes_at=now + 20 * days,
        feedback_due=(now + 40 * days).date(),
    )
    draft = make_dialogue(schedule=False, slug="kladde", title="Trafik omkring Torvet")
    for dialogue in (open_dialogue, reported, overdue, upcoming, draft):
        dialogue.refresh_from_db()
    assert (open_dialogue.state, reported.state, overdue.state, upcoming.state) == (
        "open",
        "feedback_published",
        "closed",
        "scheduled",
    )
    return Showcase(
        open=open_dialogue,
        upcoming=upcoming,
        reported=reported,
        overdue=overdue,
        draft=draft,
        pending=pending,
        rejected=rejected,
    )


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_the_main_public_pages_pass_axe_in_each_language(
    page: Page, showcase: Showcase, language: str
) -> None:
    audit = AxeAudit(page)
    page.goto("/")
    if language == "da":
        # Nobody chose: the authority's own language applies.
        expect(page.locator("html")).to_have_attribute("lang", "da")
    else:
        choose_language(page, language)
    audit.check("dialogue list")

    page.goto(f"/d/{showcase.open.slug}/")
    expect(page.locator("form[action$='/contribute/']")).to_be_visible()
    expect(page.locator("#contributions .contribution")).to_have_count(1)
    expect(page.locator("#id_display_name")).to_have_attribute("autocomplete", "nickname")
    expect(page.locator("#id_email")).to_have_attribute("autocomplete", "email")
    # WCAG 3.1.2: the authority wrote the mission card in Danish, whatever the page's language.
    expect(page.locator("h1")).to_have_attribute("lang", "da")
    expect(page.locator(".mission-card dd.user-text").first).to_have_attribute("lang", "da")
    audit.check("open dialogue with the contribution form")

    submit(page, page.locator("form[action$='/contribute/'] button[type=submit]"))
    assert_error_summary_links_resolve(page)
    expect(page.locator("#id_display_name")).to_have_attribute("aria-invalid", "true")
    audit.check("contribution form with validation errors")

    page.goto(f"/receipt/{showcase.pending.reference}/")
    expect(page.locator(".receipt-number")).to_have_text(showcase.pending.reference)
    audit.check("receipt")

    page.goto(f"/receipt/{showcase.rejected.reference}/")
    # The rule by its title in the reader's language, never by its code.
    on_topic = next(rule for rule in DEFAULT_RULES if rule["code"] == "ON_TOPIC")
    expect(page.locator("main")).to_contain_text(on_topic[f"title_{language}"])  # type: ignore[literal-required]
    expect(page.locator("main")).not_to_contain_text("ON_TOPIC")
    audit.check("receipt after a rejection citing a rule")

    page.goto(f"/d/{showcase.reported.slug}/")
    expect(page.locator("#feedback-heading")).to_be_visible()
    expect(page.locator("#feedback-heading ~ p.user-text").first).to_have_attribute("lang", "da")
    expect(page.locator("form[action$='/contribute/']")).to_have_count(0)
    audit.check("closed dialogue with its feedback report")

    page.goto(f"/d/{showcase.upcoming.slug}/")
    expect(page.locator(".badge-scheduled")).to_be_visible()
    expect(page.locator("form[action$='/contribute/']")).to_have_count(0)
    audit.check("scheduled dialogue, not open yet")

    page.goto("/rules/")
    expect(page.locator("#rule-1")).to_contain_text(on_topic[f"title_{language}"])  # type: ignore[literal-required]
    audit.check("comment rules")

    page.goto("/transparency/")
    expect(page.locator("table.counts caption").first).to_be_visible()
    audit.check("transparency: who runs it and decisions by month")

    page.goto("/accessibility/")
    expect(page.locator("#feedback-email")).to_be_visible()
    audit.check("accessibility statement, not filled in yet")
    _fill_in_accessibility_statement(showcase.open.organisation)
    page.reload()
    expect(page.locator("#was-link")).to_be_visible()
    audit.check("accessibility statement (Denmark)")
    audit.assert_clean()


def _fill_in_accessibility_statement(organisation: Organisation) -> None:
    AccessibilityStatement.objects.create(
        organisation=organisation,
        known_defects="Ældre PDF-filer er ikke tilgængelige.\nKortet mangler en tekst.",
        disproportionate_burden="Scannede referater fra før 2010.",
        assessment_method="Selvevaluering med skærmlæser.",
        was_tool_url="https://www.was.digst.dk/testby-example",
        feedback_email="tilgaengelighed@testby.example",
        feedback_phone="70 10 20 30",
        defect_report_url="https://testby.example/fejl",
        prepared_on=date(2026, 1, 5),
        updated_on=date(2026, 6, 1),
        assessed_on=date(2026, 5, 20),
    )


def test_the_swedish_accessibility_statement_passes_axe(
    page: Page, organisation: Organisation
) -> None:
    organisation.country = "SE"
    organisation.default_language = "sv"
    organisation.time_zone = "Europe/Stockholm"
    organisation.save()
    _fill_in_accessibility_statement(organisation)
    audit = AxeAudit(page)
    page.goto("/accessibility/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#defect-form")).to_be_visible()
    audit.check("accessibility statement (Sweden)")
    audit.assert_clean()


def test_confirmation_refusal_and_missing_pages_pass_axe(
    page: Page, showcase: Showcase, olga: User
) -> None:
    audit = AxeAudit(page)
    token = dialogue_actions.email_confirmation_token(showcase.pending)
    page.goto(f"/confirm-email/{token}/")
    audit.check("e-mail confirmation, before confirming")
    submit(page, page.locator("main form button[type=submit]"))
    showcase.pending.refresh_from_db()
    assert showcase.pending.email_confirmed_at is not None
    audit.check("e-mail confirmation, confirmed")

    response = page.goto(f"/confirm-email/{token[:-3]}xyz/")
    assert response is not None and response.status == 400
    audit.check("e-mail confirmation with an invalid link")

    # Carla opens the form while the dialogue is open; it closes before she sends.
    page.goto(f"/d/{showcase.open.slug}/")
    page.locator("#id_display_name").fill("Carla")
    page.locator("#id_text").fill("Sent a minute too late.")
    dialogue_actions.close_dialogue(dialogue=showcase.open, actor=olga)
    response = submit(page, page.locator("form[action$='/contribute/'] button[type=submit]"))
    assert response is not None and response.status == 409
    assert not Post.objects.filter(text="Sent a minute too late.").exists()
    audit.check("refusal: dialogue not open")

    response = page.goto("/d/no-such-dialogue/")
    assert response is not None and response.status == 404
    audit.check("404 page")
    audit.assert_clean()


def test_sign_in_and_second_factor_pages_pass_axe(
    page: Page, organisation: Organisation, alice: User
) -> None:
    mona = make_person(organisation, "mona", Role.MODERATOR, with_device=False)
    audit = AxeAudit(page)
    page.goto("/staff/account/sign-in/")
    # WCAG 1.3.5: fields about the person say what they hold, for autofill.
    expect(page.locator("#id_username")).to_have_attribute("autocomplete", "username")
    expect(page.locator("#id_password")).to_have_attribute("autocomplete", "current-password")
    audit.check("staff sign-in")

    page.locator("#id_username").fill("mona")
    page.locator("#id_password").fill("not her password")
    submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator("#error-summary")).to_be_visible()
    audit.check("staff sign-in with an error")

    # Mona is a moderator without an authenticator app yet: she is asked to enrol one.
    page.locator("#id_username").fill(mona.username)
    page.locator("#id_password").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(f"{page.url.split('/staff/')[0]}/staff/account/second-factor/")
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    audit.check("second factor: enrolment with the QR code")

    page.locator("#id_code").fill("12345")
    submit(page, page.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(page)
    audit.check("second factor: enrolment with an error")

    page.context.clear_cookies()
    page.goto("/staff/account/sign-in/")
    page.locator("#id_username").fill(alice.username)
    page.locator("#id_password").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator("main img")).to_have_count(0)
    expect(page.locator("#id_code")).to_have_attribute("autocomplete", "one-time-code")
    audit.check("second factor: code entry")
    audit.assert_clean()


def test_dialogue_owner_pages_pass_axe(page: Page, showcase: Showcase, olga: User) -> None:
    sign_in_staff(page, olga)
    audit = AxeAudit(page)
    page.goto("/staff/")
    expect(page.locator("#overdue-heading + table")).to_contain_text(showcase.overdue.title)
    audit.check("staff dashboard with an overdue dialogue")

    page.goto("/staff/dialogues/new/")
    audit.check("new dialogue form")
    submit(page, page.locator("main form button[type=submit]"))
    assert_error_summary_links_resolve(page)
    audit.check("new dialogue form with errors")

    page.goto(f"/staff/dialogues/{showcase.draft.pk}/")
    expect(page.locator("form[action$='/schedule/']")).to_be_visible()
    audit.check("staff dialogue detail: draft")

    page.goto(f"/staff/dialogues/{showcase.open.pk}/")
    expect(page.locator("form[action$='/close/']")).to_be_visible()
    audit.check("staff dialogue detail: open")

    page.goto(f"/staff/dialogues/{showcase.open.pk}/edit/")
    expect(page.locator("#id_title")).to_have_value(showcase.open.title)
    audit.check("edit mission card")

    page.goto(f"/staff/dialogues/{showcase.overdue.pk}/feedback/")
    audit.check("feedback report form")
    submit(page, page.locator("main form button[name=save]"))
    assert_error_summary_links_resolve(page)
    audit.check("feedback report form with errors")

    response = page.goto("/staff/moderation/")
    assert response is not None and response.status == 403
    audit.check("403 page (a dialogue owner opens the moderation queue)")
    audit.assert_clean()


def test_moderator_pages_pass_axe(page: Page, showcase: Showcase, alice: User) -> None:
    sign_in_staff(page, alice)
    audit = AxeAudit(page)
    page.goto("/staff/")
    expect(page.locator("main a[href='/staff/moderation/']")).to_be_visible()
    audit.check("staff dashboard for a moderator")

    page.goto("/staff/moderation/")
    expect(page.locator(f"#item-{showcase.pending.pk}")).to_be_visible()
    audit.check("moderation queue with items")

    # Alice writes her reason but forgets to tick a rule: she is told, back at the same
    # item, and her reason is still there.
    item = page.locator(f"#item-{showcase.pending.pk}")
    item.locator("textarea[name=note]").fill("Handler ikke om cykelstien.")
    submit(page, item.locator("button[value=reject]"))
    assert page.url.endswith(f"#item-{showcase.pending.pk}")
    assert_error_summary_links_resolve(page)
    expect(item.locator("textarea[name=note]")).to_have_value("Handler ikke om cykelstien.")
    expect(item.locator("fieldset .errorlist")).to_be_visible()
    audit.check("moderation queue: a rejection without a rule")
    audit.assert_clean()


def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(
    new_context: NewContext, showcase: Showcase, olga: User
) -> None:
    """WCAG 1.4.10: at 320 CSS px wide (400 % zoom of a 1280 px window) nothing but data
    tables may need scrolling in two directions."""
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    too_wide: list[str] = []

    def check(label: str) -> None:
        screenshot(page, f"narrow-{label}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{label} ({page.url}): {width}px")

    for path, label in [
        ("/", "dialogue list"),
        (f"/d/{showcase.open.slug}/", "open dialogue"),
        (f"/d/{showcase.reported.slug}/", "closed dialogue with report"),
        (f"/receipt/{showcase.rejected.reference}/", "receipt"),
        ("/rules/", "rules"),
        ("/transparency/", "transparency"),
        ("/accessibility/", "accessibility statement"),
        ("/staff/account/sign-in/", "sign-in"),
    ]:
        page.goto(path)
        check(label)
    sign_in_staff(page, olga)
    for path, label in [
        ("/staff/dialogues/new/", "new dialogue form"),
        (f"/staff/dialogues/{showcase.open.pk}/edit/", "edit form"),
    ]:
        page.goto(path)
        check(label)
    assert not too_wide, "pages wider than 320 CSS px:\n" + "\n".join(too_wide)
