"""Screening's public API: one call per post, results for a moderator to weigh.

    >>> result = screen("Ring til mig på 12 34 56 78", max_length=2000, language="da")
    >>> [flag.code for flag in result.flags]
    ['pii.phone']

Screening never rejects, blocks or deletes: it flags, holds (``should_hold`` when a national
ID number or a possible threat is present: such a post waits for a moderator even where posts
are otherwise published at once; mask ID numbers with :func:`mask_national_ids` wherever the
post is shown) and prioritises (``priority``: threats first, then personal data, then
everything else, then posts with no flags). A moderator decides.
"""

from __future__ import annotations

from datetime import date

from torget.screening.classifier import OffensiveModel, load_model, reload_models
from torget.screening.contact import find_emails, find_phones
from torget.screening.flags import (
    FLAG_LABELS,
    HELD_FOR_A_PERSON,
    OFFENSIVE,
    Flag,
    Priority,
    ScreeningResult,
    priority_for,
)
from torget.screening.links import find_commercial, find_links
from torget.screening.national_id import find_national_ids, mask_spans
from torget.screening.normalise import Prepared
from torget.screening.style import find_repetition, find_shouting, find_too_long
from torget.screening.threats import find_threats

__all__ = [
    "FLAG_LABELS",
    "Flag",
    "OffensiveModel",
    "Priority",
    "ScreeningResult",
    "detect",
    "load_model",
    "mask_national_ids",
    "reload_models",
    "screen",
]


def detect(text: str, *, max_length: int | None = None, today: date | None = None) -> list[Flag]:
    """Every rule-based detector (no classifier), flags in text order."""
    prepared = Prepared(text)
    return _detect(prepared, max_length=max_length, today=today)


def _detect(prepared: Prepared, *, max_length: int | None, today: date | None) -> list[Flag]:
    national_ids = find_national_ids(prepared, today=today)
    flags = list(national_ids)
    flags += find_emails(prepared)
    flags += find_phones(prepared, exclude=[(flag.start, flag.end) for flag in national_ids])
    link_flags, links = find_links(prepared)
    flags += link_flags
    flags += find_commercial(prepared, links)
    flags += find_shouting(prepared)
    flags += find_repetition(prepared)
    flags += find_threats(prepared)
    flags += find_too_long(prepared.original, max_length)
    return flags


def screen(
    text: str,
    *,
    max_length: int | None = None,
    language: str | None = None,
    today: date | None = None,
) -> ScreeningResult:
    """Screen one post: all detectors plus the offensive-language classifier.

    ``language`` picks the classifier ("da", "sv", "sv-SE", …; the Danish model when there is
    none for the language). ``today`` only matters for national ID numbers, whose birth date
    must not lie in the future.
    """
    prepared = Prepared(text)
    flags = _detect(prepared, max_length=max_length, today=today)
    model = load_model(language)
    probability, evidence = model.predict(prepared)
    if probability >= model.threshold:
        start, end = prepared.span(*evidence) if evidence else (0, len(text))
        flags.append(
            Flag(
                code=OFFENSIVE,
                score=probability,
                start=start,
                end=end,
                detector=model.name,
                version=model.version,
            )
        )
    ordered = tuple(sorted(flags, key=lambda flag: (flag.start, flag.end, flag.code)))
    return ScreeningResult(
        flags=ordered,
        offensive=probability,
        priority=priority_for(ordered),
        should_hold=any(flag.code in HELD_FOR_A_PERSON for flag in ordered),
        model=model.name,
        model_version=model.version,
    )


def mask_national_ids(text: str, *, today: date | None = None) -> str:
    """The text with the digits of every national ID number replaced by "•"
    ("010190-1234" -> "••••••-••••"), everything else unchanged."""
    spans = [(flag.start, flag.end) for flag in find_national_ids(Prepared(text), today=today)]
    return mask_spans(text, spans)
