"""National ID numbers: what is held and masked, and what must be left alone."""

from __future__ import annotations

import pytest

from torget.screening.api import mask_national_ids, screen
from torget.screening.flags import NATIONAL_ID
from torget.screening.national_id import dk_modulus_11
from torget.screening.tests.helpers import TODAY, found


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        # Danish CPR with and without separator
        ("Mit CPR-nummer er 010190-1234, kan I hjælpe?", "010190-1234"),
        ("cpr 0101901234", "0101901234"),
        # 7th digit 4 with year 10 is 2010; 29 February only in leap years
        ("Min søns nummer: 150310-4321", "150310-4321"),
        ("født 290288-1234", "290288-1234"),
        # Swedish personnummer, 10 and 12 digits, "+" for 100 years or older
        ("Mitt personnummer är 811218-9876.", "811218-9876"),
        ("pnr 19811218-9876", "19811218-9876"),
        ("198112189876 är mitt nummer", "198112189876"),
        ("Farfar har 811218+9876", "811218+9876"),
        # samordningsnummer: day + 60
        ("samordningsnummer 701063-2391", "701063-2391"),
        # Norwegian fødselsnummer and D-nummer (both check digits hold)
        ("fødselsnummer 01019012480", "01019012480"),
        ("fnr 010190 12480", "010190 12480"),
        ("D-nummer 41019012474", "41019012474"),
    ],
)
def test_national_id_numbers_are_found(text: str, evidence: str) -> None:
    assert found(text, NATIONAL_ID) == [evidence]


def test_cpr_numbers_failing_modulus_11_are_still_found() -> None:
    # Numbers issued since 2007 need not pass the old modulus-11 check.
    assert not dk_modulus_11("0101901234")
    assert found("0101901234", NATIONAL_ID) == ["0101901234"]


@pytest.mark.parametrize(
    "text",
    [
        "320190-1234",  # day 32
        "011390-1234",  # month 13
        "290289-1234",  # 29 February 1989 did not exist
        "010150-5123",  # 7th digit 5, year 50: born in 2050, in the future
        "811218-9877",  # Luhn fails and the date is no Danish date
        "19811218-9875",  # Luhn fails
        "01019012481",  # second Norwegian check digit wrong
        "1234567890",
        "sag 2024-001234",
        "dnr KS 2023/0456",
        "Beløbet er 1.234.567 kr",
        "Mødet er 12-03-2024 kl. 19",
        "Ring på 22 33 44 55",
        "+4522334455",
        "reg. 1234 0012345678",  # bank account, not a CPR number
        "12-0101901234",
        "010190-12345",
        "Fakturanummer 01019012345678",
    ],
)
def test_other_numbers_are_not_national_ids(text: str) -> None:
    assert found(text, NATIONAL_ID) == []


def test_a_number_after_a_phone_word_is_left_to_the_phone_detector() -> None:
    # 0701234567 reads as CPR 07.01.23 too; after "ring" it is a Swedish mobile number.
    assert found("Ring mig på 0701234567", NATIONAL_ID) == []
    assert found("Ring mig på 0701234567", "pii.phone") == ["0701234567"]
    # ... unless an ID word is nearer.
    assert found("tlf 22334455, cpr 0101901234", NATIONAL_ID) == ["0101901234"]


def test_evasion_with_full_width_digits_and_invisible_characters() -> None:
    full_width = "CPR ０１０１９０－１２３４ tak"
    assert found(full_width, NATIONAL_ID) == ["０１０１９０－１２３４"]
    hidden = "CPR 0101\u200b90-12\u200d34 tak"
    assert found(hidden, NATIONAL_ID) == ["0101\u200b90-12\u200d34"]
    assert mask_national_ids(hidden) == "CPR ••••••-•••• tak"


def test_a_post_with_a_national_id_is_held_and_prioritised() -> None:
    result = screen("Mit cpr er 010190-1234", today=TODAY)
    assert result.should_hold
    assert result.priority == 2
    assert not screen("Mit telefonnummer er 22 33 44 55", today=TODAY).should_hold


def test_masking_keeps_everything_but_the_digits() -> None:
    text = "Jeg hedder Ib, 010190-1234, og min kone har 19811218-9876."
    assert mask_national_ids(text) == ("Jeg hedder Ib, ••••••-••••, og min kone har ••••••••-••••.")
    assert mask_national_ids("Ring på 22 33 44 55") == "Ring på 22 33 44 55"
    assert mask_national_ids("") == ""
