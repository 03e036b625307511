"""Rules whose breach may be a crime (BBS-lagen § 5 in Sweden) are marked as handled with
priority on the rules page and on the transparency page; Swedish authorities cite the act."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from torget.accounts.models import Organisation, User
from torget.dialogues.models import Dialogue, Post
from torget.moderation.actions import reject_contribution
from torget.moderation.defaults import DEFAULT_RULES
from torget.moderation.tests.html_tables import row_for, table_rows, title

PRIORITY = {rule["code"] for rule in DEFAULT_RULES if rule["priority_offence"]}
HANDLED_FIRST = "They are handled first, and content that is obviously unlawful is removed"
BBS_5 = "section 5 of the Swedish Act on Responsibility for Electronic Bulletin Boards"


def _priority_list(page: str) -> str:
    start = page.index('<ul id="priority-rules">')
    return page[start : page.index("</ul>", start)]


def test_the_transparency_page_lists_the_priority_rules_and_marks_their_rows(
    client: Client, alice: User, open_dialogue: Dialogue, contribute: Callable[..., Post]
) -> None:
    # Given one rejection under a priority rule and one under an ordinary rule,
    reject_contribution(
        contribution=contribute(open_dialogue, "Første"), moderator=alice, rule_codes=["THREATS"]
    )
    reject_contribution(
        contribution=contribute(open_dialogue, "Anden"), moderator=alice, rule_codes=["RESPECT"]
    )
    # when anyone opens the transparency page,
    page = client.get("/transparency/").content.decode()

    # then the priority rules, and only they, are listed as handled first,
    assert {"DISCRIMINATION", "RIGHTS", "INCITEMENT", "THREATS"} == PRIORITY
    listed = _priority_list(page)
    for rule in DEFAULT_RULES:
        assert (f">{escape(rule['title_en'])}</a>" in listed) == rule["priority_offence"]
        assert rule["code"] not in listed
    assert HANDLED_FIRST in page
    # and the table marks the priority rule's row, not the other.
    month = timezone.localtime(timezone.now(), ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m")
    rows = table_rows(page, f"table-{month}")
    assert "Handled with priority" in row_for(rows, title("THREATS"))[0]
    assert "Handled with priority" not in row_for(rows, title("RESPECT"))[0]
    # Testby is Danish: the Swedish act is not cited.
    assert BBS_5 not in page


@pytest.mark.parametrize("path", ["/rules/", "/transparency/"])
def test_a_swedish_authority_cites_bbs_lagen_section_5(
    client: Client, organisation: Organisation, path: str
) -> None:
    organisation.country = "SE"
    organisation.save()
    page = client.get(path).content.decode()
    assert HANDLED_FIRST in page
    assert BBS_5 in page


def test_the_rules_page_explains_priority_handling(
    client: Client, organisation: Organisation
) -> None:
    page = client.get("/rules/").content.decode()
    assert HANDLED_FIRST in page
    assert BBS_5 not in page
    for position, rule in enumerate(DEFAULT_RULES, start=1):
        start = page.index(f'id="rule-{position}"')
        shown = "Handled with priority" in page[start : page.index("</li>", start)]
        assert shown == (rule["code"] in PRIORITY)
