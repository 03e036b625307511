"""Bad input gets a clear answer in the visitor's language, not only in English: the answers a
Danish or Swedish citizen (and a member of staff) meets when a form is refused, and nothing is
stored or changed by the refused request."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from torget.accounts.models import User
from torget.dialogues.models import Dialogue, DialogueState, Post

ANSWERS = {
    "da": {
        "required": "Dette felt er påkrævet.",
        "too_long": "Denne værdi må højst have 2000 tegn (den har 2001).",
        "control": "Teksten indeholder usynlige kontroltegn. Fjern dem venligst.",
        "email": "Indtast en gyldig e-mail-adresse.",
        "closed": "Dialogen er ikke åben for indlæg",
        "csrf": "Formularen kunne ikke modtages",
        "again": "Formularen er allerede sendt. Her er din kvittering.",
        "no_role": "Du har ikke adgang til at gøre dette",
    },
    "sv": {
        "required": "Detta fält måste fyllas i.",
        "too_long": "Säkerställ att detta värde har som mest 2000 tecken (den har 2001).",
        "control": "Texten innehåller osynliga styrtecken. Ta bort dem.",
        "email": "Fyll i en giltig e-postadress.",
        "closed": "Dialogen är inte öppen för inlägg",
        "csrf": "Formuläret kunde inte tas emot",
        "again": "Formuläret har redan skickats. Här är ditt kvitto.",
        "no_role": "Du har inte behörighet att göra detta",
    },
}
LANGUAGES = list(ANSWERS)


def visitor(language: str, **options: Any) -> Client:
    client = Client(**options)
    if language != "da":  # Danish is the authority's own language: no choice needed
        client.cookies["torget_language"] = language
    return client


def form(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Carla",
        "text": "Linjeføring B er tryggest for børnene.",
        "email": "",
        "website": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def text_of(response: Any) -> str:
    body: bytes = response.content
    return html.unescape(body.decode())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("field", "value", "answer"),
    [
        ("text", "", "required"),
        ("text", "x" * 2001, "too_long"),
        ("text", "hej\x00med\x07kontrol", "control"),
        ("email", "not-an-address", "email"),
    ],
)
def test_a_refused_field_is_explained_in_the_visitors_language(
    open_dialogue: Dialogue, language: str, field: str, value: str, answer: str
) -> None:
    response = visitor(language).post(
        f"/d/{open_dialogue.slug}/contribute/", form(**{field: value})
    )
    assert response.status_code == 400
    assert ANSWERS[language][answer] in text_of(response)
    assert not Post.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_contribution_after_closing_is_refused_in_the_visitors_language(
    make_dialogue: Callable[..., Dialogue], language: str
) -> None:
    now = timezone.now()
    dialogue = make_dialogue(opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1))
    response = visitor(language).post(f"/d/{dialogue.slug}/contribute/", form())
    assert response.status_code == 409
    assert ANSWERS[language]["closed"] in text_of(response)
    assert not Post.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_csrf_token_is_explained_in_the_visitors_language(
    open_dialogue: Dialogue, language: str
) -> None:
    client = visitor(language, enforce_csrf_checks=True)
    response = client.post(f"/d/{open_dialogue.slug}/contribute/", form())
    assert response.status_code == 403
    assert ANSWERS[language]["csrf"] in text_of(response)
    assert not Post.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_submit_is_answered_in_the_visitors_language(
    open_dialogue: Dialogue, language: str
) -> None:
    client = visitor(language)
    data = form()
    client.post(f"/d/{open_dialogue.slug}/contribute/", data)
    again = client.post(f"/d/{open_dialogue.slug}/contribute/", data, follow=True)
    assert ANSWERS[language]["again"] in text_of(again)
    assert Post.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_staff_action_without_the_role_is_refused_in_the_visitors_language(
    open_dialogue: Dialogue,
    bob: User,
    signed_in: Callable[[Client, User], Client],
    language: str,
) -> None:
    client = signed_in(visitor(language), bob)
    response = client.post(f"/staff/dialogues/{open_dialogue.pk}/close/")
    assert response.status_code == 403
    assert ANSWERS[language]["no_role"] in text_of(response)
    open_dialogue.refresh_from_db()
    assert open_dialogue.state == DialogueState.OPEN
