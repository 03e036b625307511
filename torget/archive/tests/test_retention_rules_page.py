"""Records officers and administrators keep the retention rules in the staff pages: how long
the content of each kind of entry is kept, and on which basis. Every change is archived."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from torget.accounts.models import Organisation, User
from torget.archive.models import ArchiveEntry, EntryKind, RetentionRule

SignIn = Callable[[Client, User], Client]
BASIS = "Bevaringsplan § 4.2: borgerhenvendelser kasseres efter 5 år"


def _data(entry: ArchiveEntry) -> dict[str, object]:
    data: dict[str, object] = json.loads(entry.canonical)["data"]
    return data


@pytest.mark.parametrize("who", ["rita", "adam"])
def test_a_records_officer_or_administrator_adds_and_changes_a_rule(
    client: Client, who: str, signed_in: SignIn, request: pytest.FixtureRequest
) -> None:
    # Given Rita the records officer (or Adam the administrator) signed in,
    user: User = request.getfixturevalue(who)
    signed_in(client, user)

    # when she adds a rule for received contributions,
    added = client.post(
        "/staff/records/retention/",
        {"kind": "contribution.received", "keep_days": "1825", "basis": BASIS},
    )

    # then it is stored, listed and archived with who and what,
    assert added.status_code == 302
    rule = RetentionRule.objects.get()
    assert (rule.kind, rule.keep_days, rule.basis) == ("contribution.received", 1825, BASIS)
    assert BASIS in client.get("/staff/records/retention/").content.decode()
    first = ArchiveEntry.objects.filter(kind=EntryKind.RETENTION_RULE_SAVED).get()
    assert first.actor == user
    assert _data(first) == {
        "entry_kind": "contribution.received",
        "keep_days": 1825,
        "basis": BASIS,
        "before": None,
    }

    # and when she changes its period, the change is archived with what it replaced.
    changed = client.post(
        f"/staff/records/retention/{rule.pk}/", {"keep_days": "3650", "basis": BASIS}
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert rule.keep_days == 3650
    second = ArchiveEntry.objects.filter(kind=EntryKind.RETENTION_RULE_SAVED).latest("seq")
    assert _data(second)["before"] == {"keep_days": 1825, "basis": BASIS}


def test_bad_input_is_refused_and_changes_nothing(
    client: Client, organisation: Organisation, rita: User, signed_in: SignIn
) -> None:
    signed_in(client, rita)
    client.post(
        "/staff/records/retention/",
        {"kind": "contribution.received", "keep_days": "1825", "basis": BASIS},
    )
    entries = ArchiveEntry.objects.count()

    twice = client.post(
        "/staff/records/retention/",
        {"kind": "contribution.received", "keep_days": "30", "basis": "Andet"},
    )
    assert twice.status_code == 400
    assert "already has a retention rule" in twice.content.decode()
    rule = RetentionRule.objects.get()
    zero = client.post(f"/staff/records/retention/{rule.pk}/", {"keep_days": "0", "basis": ""})
    assert zero.status_code == 400
    page = zero.content.decode()
    assert "Keep the content for at least one day." in page
    assert "Name the basis in the retention plan." in page

    rule.refresh_from_db()
    assert (rule.keep_days, RetentionRule.objects.count()) == (1825, 1)
    assert ArchiveEntry.objects.count() == entries


@pytest.mark.parametrize("who", ["alice", "olga"])
def test_moderators_and_dialogue_owners_may_not(
    client: Client, who: str, signed_in: SignIn, request: pytest.FixtureRequest
) -> None:
    signed_in(client, request.getfixturevalue(who))
    assert client.get("/staff/records/retention/").status_code == 403
    posted = client.post(
        "/staff/records/retention/",
        {"kind": "contribution.received", "keep_days": "1", "basis": BASIS},
    )
    assert posted.status_code == 403
    assert not RetentionRule.objects.exists()


def test_the_public_is_sent_to_sign_in(client: Client, organisation: Organisation) -> None:
    response = client.get("/staff/records/retention/")
    assert response.status_code == 302
    assert "/staff/account/sign-in/" in response["Location"]
