"""Small helpers for the screening tests."""

from __future__ import annotations

from datetime import date

from torget.screening.api import detect

# National ID numbers are checked against "today" (a birth date may not lie in the future);
# the tests pin it so that they mean the same thing every year.
TODAY = date(2025, 6, 1)


def found(text: str, code: str, *, max_length: int | None = None) -> list[str]:
    """The evidence (text as written) of every flag with ``code`` in ``text``."""
    return [
        text[flag.start : flag.end]
        for flag in detect(text, max_length=max_length, today=TODAY)
        if flag.code == code
    ]
