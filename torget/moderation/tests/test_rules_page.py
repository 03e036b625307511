"""The rules in force and who runs the service are public, in each language."""

from __future__ import annotations

import pytest
from django.test import Client

from torget.accounts.models import Organisation
from torget.moderation.defaults import DEFAULT_RULES


@pytest.mark.parametrize(
    ("language", "field"), [("da", "title_da"), ("sv", "title_sv"), ("en", "title_en")]
)
def test_rules_page_shows_every_rule_in_the_chosen_language(
    organisation: Organisation, language: str, field: str
) -> None:
    client = Client()
    client.cookies["torget_language"] = language
    page = client.get("/rules/").content.decode()
    for rule in DEFAULT_RULES:
        assert str(rule[field]).replace("'", "&#x27;") in page  # type: ignore[literal-required]
    assert "Testby Kommune" in page
    assert "dialog@testby.example" in page


def test_every_default_rule_has_all_three_languages() -> None:
    codes = [rule["code"] for rule in DEFAULT_RULES]
    assert len(codes) == len(set(codes)) == 12
    for rule in DEFAULT_RULES:
        for language in ("da", "sv", "en"):
            assert rule[f"title_{language}"].strip()  # type: ignore[literal-required]
            assert rule[f"text_{language}"].strip()  # type: ignore[literal-required]
