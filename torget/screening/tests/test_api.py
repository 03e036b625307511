"""The public API: one call per post, everything a moderator needs to weigh it."""

from __future__ import annotations

import json

from torget.screening.api import FLAG_LABELS, Priority, load_model, screen
from torget.screening.flags import (
    COMMERCIAL,
    EMAIL,
    LINK,
    NATIONAL_ID,
    OFFENSIVE,
    PHONE,
    REPETITION,
    SHOUTING,
    THREAT,
    TOO_LONG,
)
from torget.screening.tests.helpers import TODAY

EVERYTHING = (
    "KLIK HER: bit.ly/abc. Mit cpr er 010190-1234, ring 22 33 44 55 eller skriv til "
    "ib@example.dk. Jeg ved hvor du bor, dit fucking svin! nej nej nej nej nej. "
    "JEG GIDER IKKE MERE AF DET HER PJAT"
)


def test_every_code_has_a_label_and_every_flag_names_its_detector() -> None:
    result = screen(EVERYTHING, max_length=100, today=TODAY)
    assert result.codes == {
        COMMERCIAL, EMAIL, LINK, NATIONAL_ID, OFFENSIVE, PHONE, REPETITION, SHOUTING, THREAT,
        TOO_LONG,
    }  # fmt: skip
    assert set(FLAG_LABELS) == result.codes
    assert all(str(label) for label in FLAG_LABELS.values())
    model = load_model("da")
    for flag in result.flags:
        assert 0.0 <= flag.score <= 1.0
        assert 0 <= flag.start <= flag.end <= len(EVERYTHING)
        assert flag.detector and flag.version
        if flag.code == OFFENSIVE:
            assert (flag.detector, flag.version) == (model.name, model.version)


def test_flags_come_in_text_order_and_serialise_to_json() -> None:
    result = screen(EVERYTHING, max_length=100, today=TODAY)
    positions = [(flag.start, flag.end) for flag in result.flags]
    assert positions == sorted(positions)
    record = json.loads(json.dumps(result.as_dict()))
    assert record["should_hold"] is True
    assert record["priority"] == Priority.THREAT
    assert record["model_version"] == load_model("da").version
    assert {flag["code"] for flag in record["flags"]} == result.codes


def test_priority_threat_then_personal_data_then_the_rest_then_nothing() -> None:
    assert screen("Vi finder dig.").priority == Priority.THREAT
    assert screen("Skriv til ib@example.dk").priority == Priority.PERSONAL_DATA
    assert screen("Se mere på kommune.dk").priority == Priority.OTHER
    assert screen("Tak for et godt borgermøde").priority == Priority.NONE
    assert Priority.THREAT > Priority.PERSONAL_DATA > Priority.OTHER > Priority.NONE


def test_screening_holds_for_a_national_id_or_a_threat_and_nothing_else() -> None:
    assert screen("cpr 010190-1234", today=TODAY).should_hold
    assert screen("Jeg ved hvor du bor.", today=TODAY).should_hold
    assert not screen("Ring 22 33 44 55 eller skriv til ib@example.dk", today=TODAY).should_hold
    assert not screen("Se mere på kommune.dk", today=TODAY).should_hold


def test_the_offensive_flag_follows_the_model_threshold() -> None:
    model = load_model("da")
    for text in ("Du er et fucking lorte svin", "Tak for et godt borgermøde i aftes"):
        result = screen(text)
        flagged = OFFENSIVE in result.codes
        assert flagged == (result.offensive >= model.threshold)
