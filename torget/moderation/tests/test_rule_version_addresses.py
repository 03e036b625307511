"""Every published version stays readable at a permanent public address; the rules page shows
the version in force and lists every version with its period. Drafts are not public."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.moderation import rule_actions
from torget.moderation.tests.rule_versions import NEW_RULE, publish_version_2


def test_each_version_keeps_its_address_and_the_page_lists_their_periods(
    client: Client, organisation: Organisation, adam: User
) -> None:
    # Given version 2 in force from now, and a draft of version 3,
    publish_version_2(organisation, adam, start=timezone.now())
    rule_actions.start_draft(organisation=organisation)

    # when anyone opens the rules page,
    page = client.get("/rules/").content.decode()

    # then it shows version 2 with its new rule, and links both published versions,
    assert "The rules (version 2, in force since" in page
    assert NEW_RULE.title_en in page
    assert 'href="/rules/v1/"' in page and 'href="/rules/v2/"' in page
    assert "/rules/v3/" not in page
    # version 1 is still readable at its address, marked as no longer in force,
    old = client.get("/rules/v1/")
    assert old.status_code == 200
    text = old.content.decode()
    assert "The rules, version 1 (in force from" in text
    assert "This is not the version in force now." in text
    assert NEW_RULE.title_en not in text
    # and the draft and versions that do not exist are not found.
    assert client.get("/rules/v3/").status_code == 404
    assert client.get("/rules/v99/").status_code == 404


def test_a_version_published_for_later_is_readable_before_its_start(
    client: Client, organisation: Organisation, adam: User
) -> None:
    start = timezone.now() + timedelta(days=30)
    publish_version_2(organisation, adam, start=start)

    assert "The rules (version 1, in force since" in client.get("/rules/").content.decode()
    later = client.get("/rules/v2/").content.decode()
    assert "The rules, version 2 (in force from" in later
    assert NEW_RULE.title_en in later
