"""Redaction for release: automatic masking of national ID numbers, e-mail addresses and phone
numbers, and manual spans chosen by a records officer, each with its legal ground.

The stored record is never changed; redaction happens on the way out, and what was removed
(where, and on which ground) is released beside the text so the requester can see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from torget.screening.api import detect
from torget.screening.flags import EMAIL, NATIONAL_ID, PHONE


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    ground: str


class SpanOutsideText(ValueError):
    """A manual span that does not lie within the text it is meant to redact."""

    def __init__(self, span: Span, length: int) -> None:
        super().__init__(
            _("The passage %(start)d–%(end)d lies outside the text (%(length)d characters).")
            % {"start": span.start, "end": span.end, "length": length}
        )
        self.span = span


def automatic_grounds() -> dict[str, str]:
    return {
        NATIONAL_ID: _("national ID number (personal data that may not be published)"),
        EMAIL: _("e-mail address (personal data)"),
        PHONE: _("phone number (personal data)"),
    }


def automatic_spans(text: str) -> list[Span]:
    grounds = automatic_grounds()
    return [
        Span(flag.start, flag.end, grounds[flag.code])
        for flag in detect(text)
        if flag.code in grounds
    ]


def check_spans(text: str, spans: Iterable[Span]) -> None:
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise SpanOutsideText(span, len(text))


def _merged(spans: Sequence[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.ground)
            continue
        merged.append(span)
    return merged


def redact(text: str, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """The text with each span replaced by a marker naming its ground, and the spans applied
    (overlaps merged, positions in the original text)."""
    check_spans(text, spans)
    applied = _merged(spans)
    pieces: list[str] = []
    position = 0
    for span in applied:
        pieces.append(text[position : span.start])
        pieces.append(_("[redacted: %(ground)s]") % {"ground": span.ground})
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces), applied
