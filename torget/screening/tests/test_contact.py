"""E-mail addresses and phone numbers."""

from __future__ import annotations

import pytest

from torget.screening.flags import EMAIL, PHONE
from torget.screening.tests.helpers import found


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Skriv til jens.hansen@kommune.dk hvis I vil", "jens.hansen@kommune.dk"),
        ("Mejla anna-lena@exempel.se.", "anna-lena@exempel.se"),
        ("Send it to Bob+news@mail.example.co.uk, thanks", "Bob+news@mail.example.co.uk"),
        ("Kontakt: søren@kø.dk", "søren@kø.dk"),
        ("skriv til jens (at) kommune.dk", "jens (at) kommune.dk"),
    ],
)
def test_email_addresses(text: str, evidence: str) -> None:
    assert found(text, EMAIL) == [evidence]


@pytest.mark.parametrize(
    "text", ["@USER du har ret", "Hej @anna", "a@b", "mail@localhost", "10 @ 20 kr", "@@@"]
)
def test_not_email_addresses(text: str) -> None:
    assert found(text, EMAIL) == []


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        # Danish
        ("Ring på 22 33 44 55", "22 33 44 55"),
        ("Ring på 12 34 56 78", "12 34 56 78"),
        ("tlf. 22334455", "22334455"),
        ("+45 22334455", "+45 22334455"),
        ("0045 22 33 44 55", "0045 22 33 44 55"),
        ("Ring 2233 4455 efter kl. 16", "2233 4455"),
        # Swedish
        ("Ring 070-123 45 67", "070-123 45 67"),
        ("Växeln: 08-123 456 78", "08-123 456 78"),
        ("+46 70 123 45 67", "+46 70 123 45 67"),
        ("+46 (0)70 123 45 67", "+46 (0)70 123 45 67"),
        ("Mobil: 0701234567", "0701234567"),
        ("031-12 34 56", "031-12 34 56"),
        # Norwegian
        ("+47 912 34 567", "+47 912 34 567"),
        ("ring 912 34 567", "912 34 567"),
        # Other countries
        ("Call +44 20 7946 0958", "+44 20 7946 0958"),
        ("+1 202 555 0143", "+1 202 555 0143"),
    ],
)
def test_phone_numbers(text: str, evidence: str) -> None:
    assert found(text, PHONE) == [evidence]


@pytest.mark.parametrize(
    "text",
    [
        "Beløbet er 1.234.567 kr",
        "Det koster 12345678 kr",
        "sag 12345678",
        "sag 2024-001234",
        "dnr KS 2023/0456",
        "Mødet er 12-03-2024",
        "Mødet er 2024-03-12",
        "Mødet er 20240312",
        "kl. 10.30",
        "ISBN 978-87-02-12345-6",
        "Vi er 1234 borgere",
        "Faktura 22334455",
        "+25 %",
        "010190-1234",  # a CPR number, not a phone number
        "19811218-9876",
        "Ring 11223344",  # bare digits that no subscriber number starts with
    ],
)
def test_not_phone_numbers(text: str) -> None:
    assert found(text, PHONE) == []
