"""Links and commercial spam."""

from __future__ import annotations

import pytest

from torget.screening.flags import COMMERCIAL, LINK
from torget.screening.tests.helpers import found


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Se høringen på https://kommune.dk/høring/123.", "https://kommune.dk/høring/123"),
        ("Läs mer på www.exempel.se/sida", "www.exempel.se/sida"),
        ("Det står på kommune.dk", "kommune.dk"),
        ("(http://example.com/a?b=c)", "http://example.com/a?b=c"),
        ("se bit.ly/3abcDEF", "bit.ly/3abcDEF"),
    ],
)
def test_links(text: str, evidence: str) -> None:
    assert found(text, LINK) == [evidence]


@pytest.mark.parametrize(
    "text",
    [
        "Det er f.eks. sådan, bl.a. i skolen osv.",
        "Det var slut.Det var bare slut.",
        "Mødet er kl.10.30",
        "1.234.567 kr",
        "Skriv til jens@kommune.dk",
    ],
)
def test_not_links(text: str) -> None:
    assert found(text, LINK) == []


def test_a_look_alike_letter_does_not_hide_a_link_shortener() -> None:
    text = "klik: bіt.ly/x"  # Cyrillic і
    assert found(text, LINK) == ["bіt.ly/x"]
    assert "bіt.ly/x" in found(text, COMMERCIAL)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Klik her og vind en iPhone", "Klik her"),
        ("Klicka här för att vinna", "Klicka här"),
        ("Click here for cheap meds", "Click here"),
        ("Brug for penge? Kviklån uden sikkerhed", "Kviklån"),
        ("Tjen penge hjemmefra med bitcoin", "bitcoin"),
        ("Tjäna pengar hemifrån, skriv på WhatsApp", "Tjäna pengar hemifrån"),
        ("Free spins på vores casino", "casino"),
        ("Gratis tilbud på billige lån!", "billige"),
        ("Mer info: bit.ly/3abc", "bit.ly/3abc"),
    ],
)
def test_commercial(text: str, cue: str) -> None:
    assert cue in found(text, COMMERCIAL)


@pytest.mark.parametrize(
    "text",
    [
        "Kommunen tilbyder gratis parkering til beboerne",
        "Byrådet optager et lån til den nye skole",
        "Læs mere om høringen på kommune.dk",
        "Kommunen erbjuder gratis simskola för barn",
        "Free parking should stay free",
        "Vi skal investere i ældreplejen",
    ],
)
def test_civic_posts_are_not_commercial(text: str) -> None:
    assert found(text, COMMERCIAL) == []
