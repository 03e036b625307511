"""Exactly one version is in force at any moment: the published one whose start is the latest
at or before it. A version published for later takes over at its start, by itself."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.moderation.models import RuleSet
from torget.moderation.queries import rule_set_in_force
from torget.moderation.tests.rule_versions import publish_version_2


def test_the_version_in_force_switches_at_its_start(organisation: Organisation, adam: User) -> None:
    # Given version 2 published now to start tomorrow at noon,
    now = timezone.now()
    start = (now + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    v2 = publish_version_2(organisation, adam, start=start, now=now)
    v1 = RuleSet.objects.get(version=1)

    # then version 1 holds until the moment before, version 2 from the start on,
    assert rule_set_in_force(organisation) == v1
    assert rule_set_in_force(organisation, at=start - timedelta(microseconds=1)) == v1
    assert rule_set_in_force(organisation, at=start) == v2
    assert rule_set_in_force(organisation, at=start + timedelta(days=400)) == v2
    # and a draft after it is never in force.
    from torget.moderation import rule_actions

    draft = rule_actions.start_draft(organisation=organisation, now=start)
    assert draft.version == 3
    assert rule_set_in_force(organisation, at=start + timedelta(days=400)) == v2


def test_a_version_published_from_now_is_in_force_at_once(
    organisation: Organisation, adam: User
) -> None:
    now = timezone.now()
    v2 = publish_version_2(organisation, adam, start=now, now=now)
    assert rule_set_in_force(organisation) == v2
    assert rule_set_in_force(organisation).rules.filter(code="NO_CAPS").exists()
