"""Threat phrasing in Danish, Swedish and English — and what must not be taken for one."""

from __future__ import annotations

import pytest

from torget.screening.api import screen
from torget.screening.flags import THREAT
from torget.screening.tests.helpers import found


@pytest.mark.parametrize(
    "text",
    [
        # Danish
        "Jeg ved hvor du bor.",
        "Vi ved godt hvor dine børn går i skole",
        "Vi finder dig.",
        "Vi skal nok finde dig, borgmester",
        "Vi kommer efter dig!",
        "Du skal dø",
        "Jeg slår dig ihjel",
        "Jeg kommer hjem og slår dig ihjel",
        "Vi dræber borgmesteren",
        "Skyd ham!",
        "Han burde skydes",
        "Hun skulle have en kugle for panden",
        "Jeg vil tæve dig",
        "Du får bank!",
        "Vi brænder dit hus ned",
        "Nogen burde sætte ild til rådhuset",
        # Swedish
        "Jag vet var du bor",
        "Vi vet var dina barn går i skolan.",
        "Vi hittar dig.",
        "Du ska dö",
        "Jag ska döda dig",
        "Vi slår ihjäl honom",
        "Han borde skjutas",
        "Jag ska knivhugga dig",
        "Vi ska bränna ner ditt hus",
        "Någon borde sätta eld på kommunhuset",
        # English
        "I know where you live",
        "We will find you.",
        "We're coming for you",
        "You will die",
        "I will kill you",
        "I'm going to stab you",
        "He should be shot",
        "A bullet in your head",
        "We'll burn your house down",
        "Someone should blow up the town hall",
        "molotov på rådhuset",
    ],
)
def test_threats_are_flagged(text: str) -> None:
    assert found(text, THREAT), text


@pytest.mark.parametrize(
    "text",
    [
        # everyday warnings
        "Pas på med at skære i ældreplejen",
        "Be careful about cutting elderly care",
        "Akta er för att skära ner på äldrevården",
        "Det får konsekvenser ved næste valg",
        # figurative killing, with a thing as object
        "Det här kommer att slå ihjäl landsbygden",
        "Besparelserne dræber lokalsamfundet",
        "This plan will kill the high street",
        # defeat in elections and sport
        "Vi skal slå dem ved valget",
        "Vi smadrer dem i finalen",
        "We will beat you at the next election",
        # service, negation, figures of speech
        "Vi finder dig en ny tid hos lægen",
        "Vi hittar dig en plats i kön",
        "Du skal dø af grin når du ser det",
        "Jeg ville aldrig slå dig ihjel",
        "Forslaget burde skydes ned",
        "Jeg brænder for ældreplejen",
        "Affaldet skal brændes",
        "Kommunen ved hvor du bor, så brevet kommer frem",
        "Where do you live?",
        "I don't know where you live",
    ],
)
def test_ordinary_posts_are_not_threats(text: str) -> None:
    assert found(text, THREAT) == [], text


def test_evasions_do_not_hide_a_threat() -> None:
    assert found("Jеg vеd hvоr du bоr", THREAT)  # Cyrillic е and о
    assert found("jeg ved hvor du b\u200bor", THREAT)  # zero-width space
    assert found("j3g v3d hv0r du b0r", THREAT)  # leet digits
    assert found("ＪＥＧ ＶＥＤ ＨＶＯＲ ＤＵ ＢＯＲ", THREAT)  # full-width letters


def test_the_span_points_at_the_threat_in_the_original_text() -> None:
    text = "Hej. Jеg vеd hvоr du bоr, og det ved du godt."
    assert found(text, THREAT) == ["Jеg vеd hvоr du bоr"]


def test_threats_come_first() -> None:
    result = screen("Jeg ved hvor du bor. Ring til mig på 22 33 44 55")
    assert result.priority == 3
    assert result.priority > screen("Ring til mig på 22 33 44 55").priority
