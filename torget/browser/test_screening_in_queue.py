"""The moderator sees the screening in the queue, in Chromium: threats first, then personal
data, then the rest; each item's flags named in the moderator's language, and the evidence in
the text itself highlighted, with its flag read out to screen-reader users. Screening only
advises: every item still waits for the moderator's decision."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from torget.accounts.models import User
from torget.browser.conftest import AxeAudit, sign_in_staff
from torget.dialogues.models import Dialogue, Post, PostStatus
from torget.screening.flags import FLAG_LABELS, NATIONAL_ID, THREAT

pytestmark = pytest.mark.browser

CALM = "Jeg foretrækker linjeføring B, den er tryggest for børnene."
PERSONAL = "Min nabo har CPR 010190-1234 og larmer hver nat."
THREATENING = "Jeg ved hvor du bor, og vi finder dig."


def _evidence(contribution: Post, code: str) -> list[str]:
    """The passages the detector named, cut from the stored text by the stored offsets."""
    flags = [f for f in contribution.screening["flags"] if f["code"] == code]
    assert flags, f"no {code} flag on {contribution.text!r}"
    return [contribution.text[f["start"] : f["end"]] for f in flags]


def _marked(page: Page, item: str) -> list[str]:
    texts: list[str] = page.locator(f"#{item} mark.evidence").evaluate_all(
        "marks => marks.map(m => m.innerText)"
    )
    return texts


def test_the_queue_shows_flags_and_highlighted_evidence_in_priority_order(
    page: Page,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    alice: User,
) -> None:
    calm = contribute(open_dialogue, CALM)
    personal = contribute(open_dialogue, PERSONAL)
    threat = contribute(open_dialogue, THREATENING)

    sign_in_staff(page, alice)
    page.goto("/staff/moderation/")

    ids = page.locator("article[data-queue-item]").evaluate_all("items => items.map(i => i.id)")
    assert ids == [f"item-{threat.pk}", f"item-{personal.pk}", f"item-{calm.pk}"]

    with translation.override("da"):
        threat_label, id_label = str(FLAG_LABELS[THREAT]), str(FLAG_LABELS[NATIONAL_ID])
    threat_item = page.locator(f"#item-{threat.pk}")
    expect(threat_item.locator(".flags .flag")).to_contain_text([threat_label])
    threat_mark = threat_item.locator("mark.evidence").first
    expect(threat_mark).to_be_visible()
    marked = " ".join(_marked(page, f"item-{threat.pk}"))
    assert all(passage in marked for passage in _evidence(threat, THREAT))
    # The flag's name is inside the highlight for screen readers, hidden from sight.
    expect(threat_mark.locator(".visually-hidden").first).to_contain_text(threat_label)

    personal_item = page.locator(f"#item-{personal.pk}")
    expect(personal_item.locator(".flags .flag")).to_contain_text([id_label])
    marked = " ".join(_marked(page, f"item-{personal.pk}"))
    assert all(passage in marked for passage in _evidence(personal, NATIONAL_ID))

    calm_item = page.locator(f"#item-{calm.pk}")
    expect(calm_item.locator("mark.evidence")).to_have_count(0)
    expect(calm_item.locator(".user-text")).to_have_text(CALM)

    # Advice only: nothing was rejected, hidden or published by the machine.
    statuses = set(Post.objects.values_list("status", flat=True))
    assert statuses == {PostStatus.PENDING}
    audit = AxeAudit(page)
    audit.check("moderation queue with screening flags and evidence")
    audit.assert_clean()
