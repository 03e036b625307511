"""Tampering as someone with the database owner's rights would: lift the triggers, change a
row by hand. Inside a test's transaction the triggers come back with the rollback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from torget.archive import triggers


def tamper(sql: str, params: Sequence[Any] = ()) -> None:
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)
