from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages from actions and commands come in the active language (the site default,
    Danish, unless a request chose another); these tests read them in English."""
    with translation.override("en"):
        yield
