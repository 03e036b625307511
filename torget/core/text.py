"""Checks and normalisation for text that people type into Torget."""

from __future__ import annotations

import unicodedata

# Tab and newline are ordinary in multi-line text; every other control character is refused.
_ALLOWED_CONTROLS = {"\n", "\t"}


def normalise_text(value: str) -> str:
    """NFC-normalise, unify line endings and trim surrounding whitespace."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).strip()


def has_control_characters(value: str) -> bool:
    return any(
        unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS for char in value
    )
