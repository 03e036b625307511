"""Who may moderate what: decisions, reviews, blocks and threats."""

from __future__ import annotations

from datetime import datetime

from torget.accounts.models import Role, User
from torget.accounts.permissions import (
    AnyUser,
    can_administer,
    can_handle_records,
    can_moderate,
    is_signed_in_staff,
)
from torget.dialogues.models import AWAITING_STATUSES, Post
from torget.moderation.models import Block, ReviewRequest, ThreatMark


def can_decide_on(user: AnyUser, contribution: Post) -> bool:
    return can_moderate(user) and contribution.status in AWAITING_STATUSES


def can_view_queue(user: AnyUser) -> bool:
    return can_moderate(user)


def can_review(user: AnyUser) -> bool:
    """See requests for review; deciding one is ``can_decide_review``."""
    return can_moderate(user)


def made_the_decision(user: AnyUser, review: ReviewRequest) -> bool:
    return isinstance(user, User) and review.decision.moderator_id == user.pk


def can_decide_review(user: AnyUser, review: ReviewRequest) -> bool:
    """Another moderator than the one who made the decision, once."""
    return can_moderate(user) and review.is_pending and not made_the_decision(user, review)


def can_block(user: AnyUser) -> bool:
    return can_moderate(user)


def can_block_author_of(user: AnyUser, contribution: Post) -> bool:
    """Only a confirmed address identifies the person and lets them receive the decision."""
    return can_block(user) and contribution.has_confirmed_email


def can_lift_block(user: AnyUser, block: Block, now: datetime) -> bool:
    return can_block(user) and block.in_force(now)


def can_mark_threat(user: AnyUser) -> bool:
    return can_moderate(user)


def can_see_all_threats(user: AnyUser) -> bool:
    """Moderators and records officers work with every threat and see the texts."""
    return can_moderate(user) or can_handle_records(user)


def _is_politician(user: AnyUser) -> bool:
    return is_signed_in_staff(user) and isinstance(user, User) and user.has_role(Role.POLITICIAN)


def can_view_threats(user: AnyUser) -> bool:
    return can_see_all_threats(user) or _is_politician(user)


def can_view_threat(user: AnyUser, threat: ThreatMark) -> bool:
    if can_see_all_threats(user):
        return True
    return _is_politician(user) and isinstance(user, User) and threat.politician_id == user.pk


def can_disclose_threat(user: AnyUser, threat: ThreatMark) -> bool:
    """Only the person threatened chooses to see the text on the protected page."""
    return _is_politician(user) and isinstance(user, User) and threat.politician_id == user.pk


def can_export_evidence(user: AnyUser) -> bool:
    return can_see_all_threats(user)


def can_manage_rules(user: AnyUser) -> bool:
    """Draft and publish versions of the comment rules: the authority's own decision, so an
    administrator's, with the second factor."""
    return can_administer(user)
