"""How stored screening results are shown: masked for the public, highlighted for moderators.

Screening ran once when the post arrived; its flags (with character spans into the unchanged
text) are stored beside the post, so rendering never runs the detectors again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.functional import Promise

from torget.screening.api import mask_national_ids
from torget.screening.flags import FLAG_LABELS, NATIONAL_ID

MASK_CHARACTER = "•"


class Screened(Protocol):
    """A citizen's post with its stored screening: a post, or a chat question (which reads
    them from its post)."""

    @property
    def text(self) -> str: ...

    @property
    def screening(self) -> Any: ...


def _spans(contribution: Screened, *codes: str) -> list[tuple[int, int, str]]:
    flags: list[dict[str, Any]] = (contribution.screening or {}).get("flags", [])
    length = len(contribution.text)
    spans = []
    for flag in flags:
        code = str(flag.get("code", ""))
        if codes and code not in codes:
            continue
        start, end = int(flag.get("start", 0)), int(flag.get("end", 0))
        if 0 <= start < end <= length:
            spans.append((start, end, code))
    return sorted(spans)


def public_text(contribution: Screened) -> str:
    """The text with every national ID number masked (digits and letters become dots)."""
    text = contribution.text
    spans = _spans(contribution, NATIONAL_ID)
    if not spans:
        return text
    chars = list(text)
    for start, end, _code in spans:
        for index in range(start, end):
            if chars[index].isalnum():
                chars[index] = MASK_CHARACTER
    return "".join(chars)


def public_name(display_name: str) -> str:
    """The display name as the public may see it. Names are not screened on arrival (they are
    short and not flagged), so national ID numbers are found and masked here, at rendering."""
    return (
        mask_national_ids(display_name) if any(c.isdigit() for c in display_name) else display_name
    )


@dataclass(frozen=True)
class Segment:
    text: str
    label: str | Promise | None


@dataclass(frozen=True)
class ScreeningView:
    labels: list[str | Promise]
    segments: list[Segment]
    offensive: float


def screening_view(contribution: Screened) -> ScreeningView:
    """Flag labels and the text cut into plain and highlighted evidence segments."""
    spans = _spans(contribution)
    codes: list[str] = []
    for flag in (contribution.screening or {}).get("flags", []):
        code = str(flag.get("code", ""))
        if code and code not in codes:
            codes.append(code)
    labels = [FLAG_LABELS.get(code, code) for code in codes]
    text = contribution.text
    segments: list[Segment] = []
    cursor = 0
    for start, end, code in spans:
        if end <= cursor:
            continue  # inside evidence already shown
        start = max(start, cursor)
        if start > cursor:
            segments.append(Segment(text[cursor:start], None))
        segments.append(Segment(text[start:end], FLAG_LABELS.get(code, code)))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:], None))
    offensive = float((contribution.screening or {}).get("offensive", 0.0))
    return ScreeningView(labels=labels, segments=segments, offensive=offensive)
