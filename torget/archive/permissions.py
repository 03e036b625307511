"""Who may work with the archive and requests for public records."""

from __future__ import annotations

from torget.accounts.permissions import AnyUser, can_administer, can_handle_records
from torget.archive.models import RecordsRequest


def can_work_on_request(user: AnyUser, request: RecordsRequest) -> bool:
    """Selecting, redacting and releasing stop when the request is completed."""
    return can_handle_records(user) and request.completed_at is None


def can_manage_retention(user: AnyUser) -> bool:
    """The retention plan is the records officers' field; administrators set up the
    authority, this included."""
    return can_handle_records(user) or can_administer(user)


__all__ = ["can_handle_records", "can_manage_retention", "can_work_on_request"]
