"""`torget demo` gives a newcomer the people of the whole loop -- an authority with parties,
politicians in them, a moderator, a dialogue owner, a records officer and an administrator --
and prints every login, with a password that really signs in."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from torget.accounts.models import Party, Role, RoleGrant, User


@pytest.mark.django_db
def test_the_demo_has_every_role_and_politicians_in_parties() -> None:
    call_command("demo", stdout=StringIO())

    assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role)
    politicians = User.objects.filter(role_grants__role=Role.POLITICIAN)
    assert politicians.count() >= 2
    assert all(p.party is not None for p in politicians)
    assert Party.objects.count() >= 2
    assert len({p.party_id for p in politicians}) >= 2


@pytest.mark.django_db
def test_the_printed_logins_sign_in() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    for username in User.objects.values_list("username", flat=True):
        assert username in printed
    password = printed.split("Password for every demo login:")[1].split()[0]

    client = Client()
    response = client.post("/staff/account/sign-in/", {"username": "dorte", "password": password})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
