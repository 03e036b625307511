"""Settings for a SQLite connection wrapper of a test's own, outside the test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torget.settings import parse_database_url


def standalone_settings(path: Path) -> dict[str, Any]:
    """The site's SQLite settings for ``path``, with what Django's connection handler would
    otherwise fill in."""
    config = parse_database_url(f"sqlite:///{path}")
    config.update(
        ATOMIC_REQUESTS=False,
        AUTOCOMMIT=True,
        CONN_MAX_AGE=0,
        CONN_HEALTH_CHECKS=False,
        TIME_ZONE=None,
        TEST={},
    )
    return config
