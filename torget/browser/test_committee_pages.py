"""The committee in the dialogue, in a real Chromium: the chat form offers the commissioning
committee's members first in a group of their own, and a politician on the committee finds the
dialogue on their staff overview; both pages pass axe-core in Danish."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from torget.accounts.models import Committee, User
from torget.browser.conftest import AxeAudit, NewContext, sign_in_staff
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import approve_contribution

pytestmark = pytest.mark.browser


def test_committee_members_first_and_the_politicians_overview_pass_axe(
    page: Page,
    new_context: NewContext,
    open_dialogue: Dialogue,
    contribute: Callable[..., Post],
    committee: Committee,
    olga: User,
    alice: User,
    bob: User,
    vera: User,
) -> None:
    # Given Bob on the committee behind an open dialogue with a published contribution
    bob.committees.add(committee)
    approve_contribution(contribution=contribute(open_dialogue, "Lys i tunnelen."), moderator=alice)
    audit = AxeAudit(page)
    # When Olga opens the form for a new live chat
    sign_in_staff(page, olga)
    page.goto(f"/staff/dialogues/{open_dialogue.pk}/chats/new/")
    # Then Bob is in the committee's group and Vera among the others, each a named group
    members = page.get_by_role("group", name="Medlemmer af Teknik- og Miljøudvalget")
    expect(members.get_by_role("checkbox")).to_have_count(1)
    expect(members.get_by_label("Bob (Socialdemokratiet)")).to_be_visible()
    others = page.get_by_role("group", name="Andre politikere")
    expect(others.get_by_label("Vera (Venstre)")).to_be_visible()
    audit.check("new chat, committee members first")
    # When Bob opens his staff overview
    politician = new_context().new_page()
    sign_in_staff(politician, bob)
    politician.goto("/staff/")
    # Then his committee's dialogue is there with its published contribution
    section = politician.get_by_role("region", name="Dialoger fra dine udvalg")
    expect(section.get_by_role("link", name="Ny cykelsti langs Åvej")).to_be_visible()
    expect(section.get_by_text("Lys i tunnelen.")).to_be_visible()
    audit.page = politician
    audit.check("politician's overview with committee dialogues")
    audit.assert_clean()
