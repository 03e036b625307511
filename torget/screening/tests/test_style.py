"""Shouting, length over the limit and repetition."""

from __future__ import annotations

import pytest

from torget.screening.api import detect
from torget.screening.flags import REPETITION, SHOUTING, TOO_LONG
from torget.screening.tests.helpers import found


@pytest.mark.parametrize(
    "text",
    [
        "JEG ER SÅ UTROLIG TRÆT AF DENNE KOMMUNE OG DENS POLITIKERE",
        "NI LYSSNAR ALDRIG PÅ OSS MEDBORGARE HÄR I KOMMUNEN",
        "YOU NEVER LISTEN TO ANYTHING WE SAY ABOUT THE ROADS",
    ],
)
def test_a_post_in_capitals_is_shouting(text: str) -> None:
    evidence = found(text, SHOUTING)
    assert len(evidence) == 1
    assert text.startswith(evidence[0][:4]) and text.endswith(evidence[0][-4:])


def test_a_shouted_passage_inside_an_ordinary_post_is_flagged_there() -> None:
    text = (
        "Jeg har skrevet til jer flere gange om vejen ved skolen, men INGEN GIDER OVERHOVEDET "
        "SVARE MIG PÅ NOGET. Det er ikke i orden, og jeg håber at nogen læser det her nu."
    )
    assert found(text, SHOUTING) == ["INGEN GIDER OVERHOVEDET SVARE MIG PÅ NOGET"]


@pytest.mark.parametrize(
    "text",
    [
        "Jeg så det på DR og SVT, og både EU, FN og KL er enige med regeringen i sagen.",
        "Enligt SVT och SR har SKR och EU inte uttalat sig om frågan ännu.",
        "NATO og SKAT",
        "STOP NU",  # too short to be shouting
        "Det er en helt almindelig kommentar om skolen og vejen.",
        "Ich bin müde. 你好世界。Привет, как дела?",
    ],
)
def test_acronyms_and_ordinary_posts_are_not_shouting(text: str) -> None:
    assert found(text, SHOUTING) == []


def test_too_long_flags_the_part_beyond_the_limit() -> None:
    text = "a" * 10 + "bcdef"
    flags = [flag for flag in detect(text, max_length=10) if flag.code == TOO_LONG]
    assert [(flag.start, flag.end) for flag in flags] == [(10, 15)]
    assert found(text, TOO_LONG, max_length=15) == []
    assert found(text, TOO_LONG) == []  # no limit given


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("nej nej nej nej nej nej!", "nej nej nej nej nej nej"),
        ("Køb nu! Køb nu! Køb nu! Køb nu!", "Køb nu! Køb nu! Køb nu! Køb nu"),
        ("stop the cuts stop the cuts stop the cuts", "stop the cuts stop the cuts stop the cuts"),
        ("Hvorfor!!!!!!!!!!!!", "!!!!!!!!!!!!"),
        ("neeeeeeeeeeeeeeej", "eeeeeeeeeeeeeee"),
    ],
)
def test_repetition(text: str, evidence: str) -> None:
    assert found(text, REPETITION) == [evidence]


@pytest.mark.parametrize(
    "text",
    [
        "nej nej nej, det vil vi ikke",
        "Det er det, det er. Og det er det.",
        "-----------------------------\nReferat fra mødet\n==========================",
        "Beløbet var 1000000000 kr",
        "Jeg synes at vi skal have en ny skole, og at vi skal have en ny hal, og at vi skal "
        "have flere cykelstier.",
    ],
)
def test_not_repetition(text: str) -> None:
    assert found(text, REPETITION) == []
