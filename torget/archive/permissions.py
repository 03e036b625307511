"""Who may work with the archive and requests for public records."""

from __future__ import annotations

from torget.accounts.permissions import AnyUser, can_handle_records
from torget.archive.models import RecordsRequest


def can_work_on_request(user: AnyUser, request: RecordsRequest) -> bool:
    """Selecting, redacting and releasing stop when the request is completed."""
    return can_handle_records(user) and request.completed_at is None


__all__ = ["can_handle_records", "can_work_on_request"]
