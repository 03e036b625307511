"""An administrator drafts the next version of the comment rules from a copy of the version in
force, changes its rules and length, and publishes it from a date: the version is then frozen
and its full wording is in the archive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.moderation import rule_actions
from torget.moderation.defaults import DEFAULT_RULES
from torget.moderation.models import RuleSet
from torget.moderation.rule_actions import RuleSetRefused
from torget.moderation.tests.rule_versions import NEW_RULE, entry_data, local_minute

SignIn = Callable[[Client, User], Client]
CODES = [rule["code"] for rule in DEFAULT_RULES]


def _draft(client: Client) -> RuleSet:
    assert client.post("/staff/moderation/rules/draft/").status_code == 302
    return RuleSet.objects.get(published_at__isnull=True)


def test_a_draft_starts_as_a_copy_of_the_version_in_force(
    client: Client, organisation: Organisation, adam: User, signed_in: SignIn
) -> None:
    # Given Testby with version 1 in force, and Adam the administrator signed in,
    signed_in(client, adam)
    entries = ArchiveEntry.objects.count()

    # when he starts a draft (twice: the second finds the first),
    draft = _draft(client)
    assert _draft(client) == draft

    # then it is version 2, a copy of version 1, not public and not archived.
    v1 = RuleSet.objects.get(version=1)
    assert (draft.version, draft.max_length, draft.in_force_from) == (2, v1.max_length, None)
    assert list(draft.rules.order_by("position").values_list("code", "title_sv")) == list(
        v1.rules.order_by("position").values_list("code", "title_sv")
    )
    assert client.get("/rules/v2/").status_code == 404
    assert "Draft of version 2" in client.get("/staff/moderation/rules/").content.decode()
    assert ArchiveEntry.objects.count() == entries


def test_the_administrator_adds_edits_orders_and_removes_rules(
    client: Client, organisation: Organisation, adam: User, signed_in: SignIn
) -> None:
    signed_in(client, adam)
    draft = _draft(client)

    # A new rule goes to the end,
    added = client.post("/staff/moderation/rules/draft/rules/new/", NEW_RULE.__dict__)
    assert added.status_code == 302
    assert list(draft.rules.order_by("position").values_list("code", flat=True)) == [
        *CODES,
        "NO_CAPS",
    ]
    # an edit changes the wording in the draft only,
    respect = draft.rules.get(code="RESPECT")
    edited = {**NEW_RULE.__dict__, "code": "RESPECT", "title_en": "Be kind"}
    assert (
        client.post(f"/staff/moderation/rules/draft/rules/{respect.pk}/", edited).status_code == 302
    )
    respect.refresh_from_db()
    assert respect.title_en == "Be kind"
    assert RuleSet.objects.get(version=1).rules.get(code="RESPECT").title_en == "Be respectful"
    # moving up swaps with the neighbour above,
    client.post(f"/staff/moderation/rules/draft/rules/{respect.pk}/move/", {"direction": "up"})
    order = list(draft.rules.order_by("position").values_list("code", flat=True))
    assert order[:2] == ["RESPECT", "ON_TOPIC"]
    # removing takes the rule out of the draft,
    client.post(f"/staff/moderation/rules/draft/rules/{respect.pk}/remove/")
    assert not draft.rules.filter(code="RESPECT").exists()
    assert RuleSet.objects.get(version=1).rules.filter(code="RESPECT").exists()
    # and the longest contribution is the draft's own.
    client.post("/staff/moderation/rules/draft/settings/", {"max_length": "1500"})
    draft.refresh_from_db()
    assert draft.max_length == 1500


def test_publishing_freezes_the_version_and_archives_its_wording(
    client: Client, organisation: Organisation, adam: User, signed_in: SignIn
) -> None:
    # Given a draft with a new rule,
    signed_in(client, adam)
    draft = _draft(client)
    client.post("/staff/moderation/rules/draft/rules/new/", NEW_RULE.__dict__)
    start = timezone.now() + timedelta(days=7)

    # when Adam publishes it from next week,
    response = client.post(
        "/staff/moderation/rules/v2/publish/", {"in_force_from": local_minute(start)}
    )

    # then it is published, from that minute, by him,
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_by == adam
    assert draft.in_force_from == start.replace(second=0, microsecond=0)
    # its whole wording is archived,
    entry = ArchiveEntry.objects.filter(kind=EntryKind.RULES_PUBLISHED).latest("seq")
    data = entry_data(entry)
    assert (entry.actor, entry.subject_ref, data["version"]) == (adam, "v2", 2)
    assert data["rules"][-1]["code"] == "NO_CAPS"
    assert data["rules"][-1]["title_sv"] == NEW_RULE.title_sv
    # and it is never edited again: not from the page, not through the action.
    rule = draft.rules.get(code="NO_CAPS")
    assert client.get(f"/staff/moderation/rules/draft/rules/{rule.pk}/").status_code == 404
    with pytest.raises(RuleSetRefused):
        rule_actions.edit_rule(rule=rule, wording=NEW_RULE)
    with pytest.raises(RuleSetRefused):
        rule_actions.remove_rule(rule=rule)
    assert draft.rules.filter(code="NO_CAPS").exists()
