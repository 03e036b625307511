"""A request for public records handled the way a records officer does it, in Chromium.

Rita signs in with her second factor, registers a journalist's request, searches the archive
for a rejected post, adds it to the request, withholds a name on a stated legal ground,
releases the rest with automatic redaction, and downloads the bag. The pages pass axe-core
on the way. The downloaded bag validates with the `bagit` package's own validator.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from playwright.sync_api import expect
from pytest_django import Settings

from torget.accounts.models import User
from torget.archive.models import ArchiveEntry, EntryKind, RecordsRequest
from torget.browser.conftest import (
    NewContext,
    assert_no_axe_violations,
    screenshot,
    sign_in_staff,
    submit,
)
from torget.dialogues.models import Dialogue, Post
from torget.moderation import actions as moderation_actions

pytestmark = pytest.mark.browser

POST = "Borgmester Hansen lyver. Mit CPR er 010190-1234, ring 20 30 40 50."


def test_register_search_redact_and_release(
    new_context: NewContext,
    settings: Settings,
    tmp_path: Path,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
    rita: User,
) -> None:
    settings.ARCHIVE_EXPORT_DIR = tmp_path / "exports"
    contribution = contribute(open_dialogue, POST, display_name="Per")
    moderation_actions.reject_contribution(
        contribution=contribution, moderator=alice, rule_codes=["RESPECT"]
    )

    page = new_context(accept_downloads=True).new_page()
    sign_in_staff(page, rita)
    submit(page, page.locator("nav a[href='/staff/records/']"))
    assert_no_axe_violations(page, "request list")
    submit(page, page.locator("main a[href='/staff/records/new/']"))

    # A request received in the future is refused with a summary that leads to the field.
    page.locator("#id_requester").fill("Journalist Jensen")
    page.locator("#id_requester_contact").fill("jensen@avis.example")
    page.locator("#id_received_on").fill("2999-01-01")
    page.locator("#id_scope").fill("Afviste indlæg om cykelstien")
    page.locator("#id_dialogue").select_option(str(open_dialogue.pk))
    submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator("#error-summary a[href='#id_received_on']")).to_be_visible()
    assert_no_axe_violations(page, "request form with errors")
    page.locator("#id_received_on").fill("2026-11-16")
    submit(page, page.locator("main form button[type=submit]"))
    request = RecordsRequest.objects.get()
    assert page.url.endswith(f"/staff/records/{request.pk}/")

    # Search for rejected posts, tick the one that was received, add it.
    page.locator("#id_status").select_option("rejected")
    submit(page, page.locator("form.search-form button[type=submit]"))
    expect(page.locator("main")).to_contain_text(contribution.reference)
    assert_no_axe_violations(page, "search results")
    received = ArchiveEntry.objects.get(
        kind=EntryKind.CONTRIBUTION_RECEIVED, subject_id=contribution.pk
    )
    page.locator(f"input[name=entry][value='{received.seq}']").check()
    submit(page, page.locator("form[action$='/select/'] button[type=submit]"))
    item = request.items.get()

    # Withhold the name on a legal ground.
    page.locator(f"#item-{item.pk} summary").click()
    page.locator(f"#id_redact-{item.pk}-field").select_option("text")
    page.locator(f"#id_redact-{item.pk}-passage").fill("Hansen")
    page.locator(f"#id_redact-{item.pk}-ground").fill("offentlighedsloven § 30, nr. 1")
    submit(page, page.locator(f"#item-{item.pk} form[action$='/redact/'] button[type=submit]"))
    expect(page.locator(f"#item-{item.pk} .released-text").first).not_to_contain_text("Hansen")
    assert_no_axe_violations(page, "request with a redaction")
    screenshot(page, "records request with a redaction")

    # Release with automatic redaction and download the bag.
    expect(page.locator("#id_redact_automatically")).to_be_checked()
    submit(page, page.locator("form[action$='/release/'] button[type=submit]"))
    with page.expect_download() as waiting:
        page.locator("a.download-release").click()
    zipped = tmp_path / "release.zip"
    waiting.value.save_as(zipped)
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(tmp_path / "unzipped")
    (bag_dir,) = (tmp_path / "unzipped").iterdir()
    bagit.Bag(str(bag_dir)).validate()
    released = (bag_dir / "data" / "entries.json").read_text(encoding="utf-8")
    assert "Hansen" not in released
    assert "010190-1234" not in released
    assert "20 30 40 50" not in released
    assert "offentlighedsloven § 30, nr. 1" in released
