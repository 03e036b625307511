"""What screening reports: flags with evidence spans, and the result for one post."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NATIONAL_ID = "pii.national_id"
EMAIL = "pii.email"
PHONE = "pii.phone"
SHOUTING = "shouting"
TOO_LONG = "too_long"
LINK = "link"
COMMERCIAL = "commercial"
REPETITION = "repetition"
THREAT = "threat"
OFFENSIVE = "offensive"

FLAG_LABELS: dict[str, Promise] = {
    NATIONAL_ID: _("National ID number"),
    EMAIL: _("E-mail address"),
    PHONE: _("Phone number"),
    SHOUTING: _("Shouting (capital letters)"),
    TOO_LONG: _("Longer than allowed"),
    LINK: _("Link"),
    COMMERCIAL: _("Advertising or spam"),
    REPETITION: _("Repetition"),
    THREAT: _("Possible threat"),
    OFFENSIVE: _("Possibly offensive language"),
}

PERSONAL_DATA_CODES = frozenset({NATIONAL_ID, EMAIL, PHONE})
# Never shown to the public before a moderator has looked, whatever the dialogue's moderation
# mode: a leaked ID number cannot be taken back, and threats are never published unreviewed
# (SE BBS-lagen § 5; Region Skåne: hate crime is never published).
HELD_FOR_A_PERSON = frozenset({NATIONAL_ID, THREAT})


class Priority(IntEnum):
    """How urgently a moderator should look: higher first (the queue sorts descending)."""

    NONE = 0
    OTHER = 1
    PERSONAL_DATA = 2
    THREAT = 3


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding. ``start``/``end`` index the ORIGINAL text (``text[start:end]``)."""

    code: str
    score: float
    start: int
    end: int
    detector: str
    version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "detector": self.detector,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Everything screening found in one post. It advises; a moderator decides."""

    flags: tuple[Flag, ...]
    offensive: float
    priority: Priority
    should_hold: bool
    model: str
    model_version: str

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(flag.code for flag in self.flags)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record for storing beside the post (every flag names its detector)."""
        return {
            "flags": [flag.as_dict() for flag in self.flags],
            "offensive": round(self.offensive, 4),
            "priority": int(self.priority),
            "should_hold": self.should_hold,
            "model": self.model,
            "model_version": self.model_version,
        }


def priority_for(flags: tuple[Flag, ...]) -> Priority:
    codes = {flag.code for flag in flags}
    if THREAT in codes:
        return Priority.THREAT
    if codes & PERSONAL_DATA_CODES:
        return Priority.PERSONAL_DATA
    if codes:
        return Priority.OTHER
    return Priority.NONE
