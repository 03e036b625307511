"""Only administrators, past the second factor, draft and publish versions of the rules;
moderators, dialogue owners and the public may read the published versions only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import Organisation, User
from torget.moderation import rule_actions
from torget.moderation.models import RuleSet
from torget.moderation.permissions import can_manage_rules
from torget.moderation.tests.rule_versions import local_minute

SignIn = Callable[[Client, User], Client]


def test_the_administrator_may(client: Client, adam: User, signed_in: SignIn) -> None:
    assert can_manage_rules(adam) is False  # not signed in: no verified second factor
    signed_in(client, adam)
    assert client.get("/staff/moderation/rules/").status_code == 200
    assert client.post("/staff/moderation/rules/draft/").status_code == 302
    published = client.post(
        "/staff/moderation/rules/v2/publish/", {"in_force_from": local_minute(timezone.now())}
    )
    assert published.status_code == 302
    assert RuleSet.objects.get(version=2).published_by == adam


@pytest.mark.parametrize("who", ["alice", "olga"])
def test_a_moderator_or_dialogue_owner_may_not(
    client: Client,
    organisation: Organisation,
    who: str,
    signed_in: SignIn,
    request: pytest.FixtureRequest,
) -> None:
    user: User = request.getfixturevalue(who)
    signed_in(client, user)
    draft = rule_actions.start_draft(organisation=organisation)
    rule = draft.rules.first()
    assert rule is not None
    for method, path, data in [
        ("get", "/staff/moderation/rules/", {}),
        ("post", "/staff/moderation/rules/draft/", {}),
        ("get", f"/staff/moderation/rules/draft/rules/{rule.pk}/", {}),
        ("post", f"/staff/moderation/rules/draft/rules/{rule.pk}/remove/", {}),
        ("post", "/staff/moderation/rules/draft/settings/", {"max_length": "100"}),
        ("post", "/staff/moderation/rules/v2/publish/", {"in_force_from": "2030-01-01T10:00"}),
    ]:
        assert getattr(client, method)(path, data).status_code == 403, path
    draft.refresh_from_db()
    assert draft.is_draft and draft.max_length == 2000
    assert draft.rules.filter(pk=rule.pk).exists()
    # They read the published versions like everyone.
    assert client.get("/rules/v1/").status_code == 200


def test_the_public_is_sent_to_sign_in(client: Client, organisation: Organisation) -> None:
    for path in ("/staff/moderation/rules/", "/staff/moderation/rules/draft/"):
        response = client.post(path) if path.endswith("draft/") else client.get(path)
        assert response.status_code == 302
        assert "/staff/account/sign-in/" in response["Location"]
    assert not RuleSet.objects.filter(published_at__isnull=True).exists()
    assert client.get("/rules/").status_code == 200
