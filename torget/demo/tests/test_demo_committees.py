"""In the demo every public dialogue has a politician on its commissioning committee, so a
newcomer signed in as a politician sees their committees' dialogues."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from torget.accounts.models import Role, User
from torget.dialogues.models import Dialogue
from torget.dialogues.queries import LISTED_STATES


@pytest.mark.django_db
def test_every_public_demo_dialogue_has_a_politician_on_its_committee() -> None:
    # Given the demo, loaded twice
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    # Then each public dialogue's committee has a politician among its members
    for dialogue in Dialogue.objects.filter(state__in=LISTED_STATES):
        assert dialogue.commissioned_by.members.filter(
            role_grants__role=Role.POLITICIAN
        ).exists(), dialogue.title


@pytest.mark.django_db
def test_a_demo_politician_sees_the_committees_dialogues() -> None:
    # Given the demo and Frederik, on the school and the culture committees
    call_command("demo", stdout=StringIO())
    client = Client()
    client.cookies["torget_language"] = "en"
    client.force_login(User.objects.get(username="frederik"))
    # When he opens his staff overview
    html = client.get("/staff/").content.decode()
    # Then the school road (feedback overdue) and the library are there
    section = html[html.index('aria-labelledby="committee-heading"') :]
    section = section[: section.index("</section>")]
    assert "Trafiksikkerhed ved Skovvejens Skole" in section
    assert "Fremtidens bibliotek i Solby" in section
    assert "– overdue" in section
