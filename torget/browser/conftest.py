"""Real headless Chromium against pytest-django's live server, plus axe-core audits.

One Chromium runs for the whole session; every test gets fresh browser contexts (separate
cookie jars), so each person in a story -- Olga, Carla, Alice -- has their own browser.
Controls are found by their names, ids and form actions rather than by their visible
wording, so the tests hold in Danish, Swedish and English alike and survive rewording.
Set TORGET_SHOTS=/tmp/torget-shots to keep a screenshot of every audited page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Response,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from torget.accounts.models import User
from torget.conftest import PASSWORD, current_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIGN_OUT_FORM = "form[action='/staff/account/sign-out/']"

NewContext = Callable[..., BrowserContext]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last. Playwright's sync API keeps an event loop running in the
    test thread from the first browser test on, and Django's async-safety check has to be
    switched off for that; the rest of the suite then runs before it, with the check on."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, and it is missing. "
            "Install it as root with `apt-get install chromium` (`make test` does this).",
            pytrace=False,
        )
    # The sync API runs an event loop in this thread; without this, Django refuses database
    # access from the test thread ("You cannot call this from an async context").
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer) -> Iterator[NewContext]:
    """Open another person's browser: its own cookies, pointed at the live server."""
    contexts: list[BrowserContext] = []

    def _new_context(**options: Any) -> BrowserContext:
        options.setdefault("locale", "da-DK")
        options.setdefault("timezone_id", "Europe/Copenhagen")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: NewContext) -> Page:
    return new_context().new_page()


# Helpers -----------------------------------------------------------------------------------


def submit(page: Page, control: Locator) -> Response | None:
    """Press a submit button (or follow a link) and wait for the next page to arrive."""
    with page.expect_navigation() as navigation:
        control.click()
    return navigation.value


def sign_in_staff(page: Page, user: User) -> None:
    """Sign in through the real sign-in form, and the second-factor form when the role
    needs one, the way a member of staff does it."""
    page.goto("/staff/account/sign-in/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]"))
    if page.url.endswith("/staff/account/second-factor/"):
        page.locator("#id_code").fill(current_code(user))
        submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator(SIGN_OUT_FORM)).to_have_count(1)


def choose_language(page: Page, code: str) -> None:
    """Pick a language with the switch in the page header, as a visitor does."""
    page.locator("#language-select").select_option(code)
    submit(page, page.locator("form.language-switch button[type=submit]"))
    expect(page.locator("html")).to_have_attribute("lang", code)


def assert_error_summary_links_resolve(page: Page) -> None:
    """Every link in the error summary leads to an element on the page (the field to fix)."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    hrefs = summary.locator("a").evaluate_all("links => links.map(l => l.getAttribute('href'))")
    assert hrefs, "the error summary lists no links to the fields"
    missing = [
        href
        for href in hrefs
        if not page.evaluate("id => !!document.getElementById(id)", href.removeprefix("#"))
    ]
    assert not missing, f"error summary links lead nowhere on {page.url}: {missing}"


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot for a person to look at, into the folder named by
    TORGET_SHOTS (e.g. ``TORGET_SHOTS=/tmp/torget-shots``); nothing is saved without it."""
    folder = os.environ.get("TORGET_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(Path(folder) / f"{slug}.png"), full_page=True)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (as shipped in axe-playwright-python) with the WCAG 2.1 A and AA rules."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS},
        "resultTypes": ["violations"],
    }
    results = Axe().run(page, options=options)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def _selector(target: Any) -> str:
    # A target is a list of selectors; nested lists step into iframes and shadow roots.
    if isinstance(target, list):
        return " >> ".join(_selector(part) for part in target)
    return str(target)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']}  <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            lines.append(f"      at {_selector(node['target'])}")
    return "\n".join(lines)


def _where(page: Page, label: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", page.url)
    return f"{label} ({path})" if label else path


def assert_no_axe_violations(page: Page, label: str = "") -> None:
    violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} WCAG 2.1 AA violation(s) on "
            f"{_where(page, label)}:\n{describe_violations(violations)}"
        )


class AxeAudit:
    """Audits several pages in one test and reports every page's violations together."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checked: list[str] = []
        self.findings: list[str] = []

    def check(self, label: str) -> None:
        where = _where(self.page, label)
        lang = self.page.locator("html").get_attribute("lang")
        where = f"{where} [lang={lang}]"
        self.checked.append(where)
        screenshot(self.page, f"{label}-{lang}")
        violations = axe_violations(self.page)
        if violations:
            self.findings.append(f"{where}:\n{describe_violations(violations)}")

    def assert_clean(self) -> None:
        assert self.checked, "no page was audited"
        if self.findings:
            raise AssertionError(
                f"axe-core found WCAG 2.1 AA violations on {len(self.findings)} of "
                f"{len(self.checked)} pages:\n" + "\n".join(self.findings)
            )
