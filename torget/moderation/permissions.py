"""Who may moderate what."""

from __future__ import annotations

from torget.accounts.permissions import AnyUser, can_moderate
from torget.dialogues.models import AWAITING_STATUSES, Contribution


def can_decide_on(user: AnyUser, contribution: Contribution) -> bool:
    return can_moderate(user) and contribution.status in AWAITING_STATUSES


def can_view_queue(user: AnyUser) -> bool:
    return can_moderate(user)
