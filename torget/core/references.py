"""Reference numbers people can read aloud and type back: no 0/O, 1/I/L look-alikes."""

from __future__ import annotations

import secrets

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix: str) -> str:
    """``PREFIX-XXXX-XXXX`` with 40 bits of randomness; the caller's unique column decides."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"
