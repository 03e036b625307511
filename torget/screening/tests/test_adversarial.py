"""Hostile and huge input: every detector stays linear and gives clear results.

These tests assert on results only. A detector that backtracked catastrophically would not
finish them at all (the inputs are a megabyte or 100,000 repetitions).
"""

from __future__ import annotations

import pytest

from torget.screening.api import mask_national_ids, screen
from torget.screening.flags import EMAIL, LINK, NATIONAL_ID, PHONE, REPETITION, SHOUTING, THREAT
from torget.screening.tests.helpers import TODAY

MEGABYTE = 1_000_000


def codes(text: str) -> list[str]:
    return [flag.code for flag in screen(text, today=TODAY).flags]


def test_a_megabyte_of_one_letter() -> None:
    text = "a" * MEGABYTE
    result = screen(text, max_length=2000)
    assert [(flag.code, flag.start, flag.end) for flag in result.flags] == [
        (REPETITION, 0, MEGABYTE),
        ("too_long", 2000, MEGABYTE),
    ]
    assert 0.0 <= result.offensive <= 1.0


@pytest.mark.parametrize("text", ["", " " * MEGABYTE, "\u200b" * 200_000, "\n\t " * 100_000])
def test_nothing_at_all(text: str) -> None:
    assert codes(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "ab" * 100_000,
        "a." * 100_000,
        "a@" * 100_000,
        "(at)" * 100_000,
        "x" * 100_000 + "@",
        "1" * 200_000,
        "12 " * 100_000,
        "+" * 100_000,
        "www" * 100_000,
        "vi " * 50_000 + "finder",
        "jeg " + "x " * 50_000 + "slår dig",
        "du skal " * 50_000,
    ],
)
def test_hostile_patterns_are_only_repetition(text: str) -> None:
    # No e-mail, phone, ID, link or threat is read into them; their sameness may be flagged.
    assert set(codes(text)) - {REPETITION, "offensive"} == set()


def test_many_repetitions_each_give_their_flag() -> None:
    ids = "010190-1234 " * 20_000
    result = screen(ids, today=TODAY)
    assert [flag.code for flag in result.flags].count(NATIONAL_ID) == 20_000
    assert result.should_hold
    assert set(mask_national_ids(ids).split()) == {"••••••-••••"}

    threats = "jeg ved hvor du bor " * 10_000
    assert codes(threats).count(THREAT) == 10_000
    assert codes("ring 22 33 44 55 " * 10_000).count(PHONE) == 10_000
    assert codes("a@b.dk " * 10_000).count(EMAIL) == 10_000


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("http://" * 100_000, LINK),
        ("a" * 100_000 + "@kommune.dk", EMAIL),
        ("du skal " * 50_000 + "dø", THREAT),
        ("nej " * 100_000, REPETITION),
        ("ABCD " * 100_000, SHOUTING),
    ],
)
def test_huge_inputs_with_one_finding(text: str, code: str) -> None:
    found = [flag for flag in screen(text, today=TODAY).flags if flag.code == code]
    assert len(found) == 1
    assert found[0].end <= len(text)


def test_invisible_characters_between_every_letter() -> None:
    text = "a\u200b" * 300_000
    flags = screen(text).flags
    assert [(flag.code, flag.start, flag.end) for flag in flags] == [(REPETITION, 0, len(text) - 1)]


def test_decomposed_letters_in_bulk() -> None:
    text = "e\u0301" * 200_000  # é written as e + combining accent
    flags = screen(text).flags
    assert [(flag.code, flag.start, flag.end) for flag in flags] == [(REPETITION, 0, len(text))]


def test_mixed_scripts_emoji_and_right_to_left_text() -> None:
    text = "Привет мир 你好 مرحبا שלום 😀👍🏽 Jeg ved hvor du bor. \u202eevil\u202c"
    result = screen(text * 1000)
    assert {flag.code for flag in result.flags} == {THREAT}
    first = result.flags[0]
    assert text[first.start : first.end] == "Jeg ved hvor du bor"


def test_empty_text() -> None:
    result = screen("")
    assert result.flags == ()
    assert result.priority == 0
    assert not result.should_hold
    assert 0.0 <= result.offensive <= 1.0


def test_lone_surrogates() -> None:
    result = screen("\ud800 hej \udfff, ring 22 33 44 55")
    assert [flag.code for flag in result.flags] == [PHONE]
