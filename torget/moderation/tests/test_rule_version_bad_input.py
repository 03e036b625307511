"""Publishing a version that is not ready, or from a start that would rewrite the past, and a
second publication of the same draft: each is refused with a clear message, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry, EntryKind
from torget.conftest import RULES_SINCE
from torget.moderation import rule_actions
from torget.moderation.models import RuleSet
from torget.moderation.tests.rule_versions import NEW_RULE, local_minute

SignIn = Callable[[Client, User], Client]


@pytest.fixture
def draft(client: Client, adam: User, signed_in: SignIn) -> RuleSet:
    """Adam signed in, with a draft of version 2."""
    signed_in(client, adam)
    client.post("/staff/moderation/rules/draft/")
    return RuleSet.objects.get(published_at__isnull=True)


def _publish(client: Client, when: str) -> str:
    response = client.post("/staff/moderation/rules/v2/publish/", {"in_force_from": when})
    assert response.status_code in (400, 409), response.status_code
    return response.content.decode()


def _nothing_published(draft: RuleSet) -> None:
    draft.refresh_from_db()
    assert (draft.published_at, draft.in_force_from) == (None, None)
    assert ArchiveEntry.objects.filter(kind=EntryKind.RULES_PUBLISHED).count() == 1


def test_a_missing_translation_is_refused(client: Client, draft: RuleSet) -> None:
    # Given a rule whose Swedish explanation is not written yet (a draft may be incomplete),
    rule = draft.rules.get(code="ON_TOPIC")
    wording = {**NEW_RULE.__dict__, "code": "ON_TOPIC", "text_sv": ""}
    assert (
        client.post(f"/staff/moderation/rules/draft/rules/{rule.pk}/", wording).status_code == 302
    )

    # when Adam publishes,
    page = _publish(client, local_minute(timezone.now() + timedelta(days=1)))

    # then he is told which rule lacks which language, and nothing is published.
    assert "needs a title and an explanation in Danish, Swedish and English" in page
    assert "ON_TOPIC (Swedish)" in page
    _nothing_published(draft)


def test_a_start_before_the_version_in_force_is_refused(client: Client, draft: RuleSet) -> None:
    page = _publish(client, local_minute(RULES_SINCE - timedelta(days=1)))
    assert "must start after version 1" in page
    _nothing_published(draft)


def test_a_start_in_the_past_is_refused(client: Client, draft: RuleSet) -> None:
    page = _publish(client, local_minute(timezone.now() - timedelta(days=1)))
    assert "The start cannot be in the past." in page
    _nothing_published(draft)


def test_a_missing_or_malformed_start_is_refused(client: Client, draft: RuleSet) -> None:
    assert "Give the date and time the version comes into force." in _publish(client, "")
    assert "Enter the start as a date and a time." in _publish(client, "i morgen")
    _nothing_published(draft)


def test_a_duplicate_rule_code_is_refused(client: Client, draft: RuleSet) -> None:
    rules = draft.rules.count()
    added = client.post(
        "/staff/moderation/rules/draft/rules/new/", {**NEW_RULE.__dict__, "code": "RESPECT"}
    )
    assert added.status_code == 409
    assert "The code RESPECT is already used by another rule in this version." in (
        added.content.decode()
    )
    on_topic = draft.rules.get(code="ON_TOPIC")
    edited = client.post(
        f"/staff/moderation/rules/draft/rules/{on_topic.pk}/",
        {**NEW_RULE.__dict__, "code": "RESPECT"},
    )
    assert edited.status_code == 409
    on_topic.refresh_from_db()
    assert (on_topic.code, draft.rules.count()) == ("ON_TOPIC", rules)


def test_a_malformed_code_is_refused(client: Client, draft: RuleSet) -> None:
    added = client.post(
        "/staff/moderation/rules/draft/rules/new/", {**NEW_RULE.__dict__, "code": "no caps"}
    )
    assert added.status_code == 400
    assert "Write the code with capital letters, digits and _" in added.content.decode()
    assert not draft.rules.filter(code__iexact="no caps").exists()


def test_a_draft_is_published_once(client: Client, draft: RuleSet, adam: User) -> None:
    # Given version 2 published from tomorrow,
    tomorrow = local_minute(timezone.now() + timedelta(days=1))
    first = client.post("/staff/moderation/rules/v2/publish/", {"in_force_from": tomorrow})
    assert first.status_code == 302
    draft.refresh_from_db()
    start = draft.in_force_from

    # when the form is sent again with another start (a second tab, a double click),
    again = client.post(
        "/staff/moderation/rules/v2/publish/",
        {"in_force_from": local_minute(timezone.now() + timedelta(days=2))},
        follow=True,
    )

    # then it is refused and the first publication stands, archived once.
    assert "Version 2 was already published. Nothing was changed." in again.content.decode()
    draft.refresh_from_db()
    assert draft.in_force_from == start
    assert ArchiveEntry.objects.filter(kind=EntryKind.RULES_PUBLISHED).count() == 2
    with pytest.raises(rule_actions.RuleSetRefused):
        rule_actions.publish_rule_set(
            rule_set=draft, administrator=adam, in_force_from=timezone.now() + timedelta(days=3)
        )


def test_an_empty_version_is_refused(organisation: Organisation, adam: User) -> None:
    draft = rule_actions.start_draft(organisation=organisation)
    for rule in list(draft.rules.all()):
        rule_actions.remove_rule(rule=rule)
    with pytest.raises(rule_actions.RuleSetRefused, match="at least one rule"):
        rule_actions.publish_rule_set(
            rule_set=draft, administrator=adam, in_force_from=timezone.now()
        )
    draft.refresh_from_db()
    assert draft.is_draft
