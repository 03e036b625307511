"""Normalised views map back to the text as written."""

from __future__ import annotations

from torget.screening.normalise import Prepared


def test_plain_text_maps_to_itself() -> None:
    prepared = Prepared("Hej Åse, hvordan går det?")
    assert prepared.identity
    assert prepared.text == "Hej Åse, hvordan går det?"
    assert prepared.folded == "hej åse, hvordan går det?"
    assert prepared.span(4, 7) == (4, 7)


def test_invisible_characters_are_removed_and_offsets_kept() -> None:
    original = "id\u200biot"
    prepared = Prepared(original)
    assert prepared.text == "idiot"
    assert prepared.span(0, 5) == (0, 6)
    assert prepared.span(2, 5) == (3, 6)


def test_compatibility_characters_expand_within_their_original_span() -> None:
    original = "ﬁne ＡＢ"  # ligature fi, full-width letters
    prepared = Prepared(original)
    assert prepared.text == "fine AB"
    assert prepared.span(0, 2) == (0, 1)  # "fi" both come from the ligature
    assert prepared.span(5, 7) == (4, 6)
    assert original[slice(*prepared.span(0, 4))] == "ﬁne"


def test_combining_marks_compose_with_their_letter() -> None:
    original = "Ae\u0301r"  # e + combining acute
    prepared = Prepared(original)
    assert prepared.text == "Aér"
    assert prepared.span(1, 2) == (1, 3)
    assert prepared.span(2, 3) == (3, 4)


def test_look_alike_letters_and_leet_digits_are_folded_for_word_matching() -> None:
    prepared = Prepared("Іdіоt h4t3r 2024 5 kr")  # Cyrillic І, і, о
    assert prepared.text == "Іdіоt h4t3r 2024 5 kr"  # the text itself keeps them
    assert prepared.folded == "idiot h4t3r 2024 5 kr"
    assert prepared.words == "idiot hater 2024 5 kr"


def test_empty_text() -> None:
    prepared = Prepared("")
    assert prepared.words == ""
    assert prepared.span(0, 0) == (0, 0)
    assert prepared.word_list() == []


def test_lone_surrogates_do_not_break_normalisation() -> None:
    prepared = Prepared("abc \ud800 d\u200be")
    assert prepared.text == "abc \ud800 de"
    assert prepared.span(6, 8) == (6, 9)
