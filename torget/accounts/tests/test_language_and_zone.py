"""Pages speak the authority's language unless the visitor chooses another, and show times in
the authority's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from django.test import Client

from torget.accounts.models import Organisation
from torget.accounts.queries import current_organisation
from torget.dialogues.models import Dialogue


def test_the_authority_language_is_the_default_not_the_browser_language(
    organisation: Organisation,
) -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "da"
    assert '<html lang="da">' in response.content.decode()


def test_a_swedish_authority_speaks_swedish(organisation: Organisation) -> None:
    organisation.default_language = "sv"
    organisation.save()
    response = Client().get("/")
    assert response["Content-Language"] == "sv"


def test_a_change_to_the_authority_holds_from_the_next_request(
    organisation: Organisation,
) -> None:
    # The authority is cached between requests; saving it must drop the cached copy.
    assert Client().get("/")["Content-Language"] == "da"
    organisation.default_language = "sv"
    organisation.name = "Testby Kommun"
    organisation.save()
    response = Client().get("/")
    assert response["Content-Language"] == "sv"
    assert "Testby Kommun" in response.content.decode()


def test_a_view_changing_its_copy_of_the_authority_leaves_the_next_request_alone(
    organisation: Organisation,
) -> None:
    # Each request gets a copy of its own, so a form that fails half-way through changing it
    # (a ModelForm sets the fields before it validates) cannot leak into other requests.
    first = current_organisation()
    assert first is not None
    first.name = "Not saved"
    second = current_organisation()
    assert second is not None and second.name == "Testby Kommune"


def test_the_language_switch_remembers_the_choice(organisation: Organisation) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/rules/"})
    assert response.status_code == 302
    assert response["Location"] == "/rules/"
    assert client.get("/rules/")["Content-Language"] == "sv"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/")["Content-Language"] == "en"


def test_an_unknown_language_choice_falls_back_to_the_authority(
    organisation: Organisation,
) -> None:
    client = Client()
    client.cookies["torget_language"] = "xx"
    assert client.get("/")["Content-Language"] == "da"


def test_times_are_shown_in_the_authority_time_zone(
    organisation: Organisation, make_dialogue: Callable[..., Dialogue]
) -> None:
    # 10:00 UTC in June is 12:00 in Copenhagen and Stockholm (summer time).
    opens = datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    closes = datetime(2030, 6, 20, 10, 0, tzinfo=UTC)
    dialogue = make_dialogue(opens_at=opens, closes_at=closes, feedback_due=closes.date())
    page = Client().get(f"/d/{dialogue.slug}/").content.decode()
    assert "12:00" in page
    assert "10:00" not in page
