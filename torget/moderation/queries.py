"""Reusable reads for moderation."""

from __future__ import annotations

from django.db.models import QuerySet

from torget.accounts.models import Organisation
from torget.dialogues.models import AWAITING_STATUSES, Contribution
from torget.moderation.models import DEFAULT_MAX_LENGTH_FALLBACK, RuleSet


def rule_set_in_force(organisation: Organisation) -> RuleSet | None:
    return (
        RuleSet.objects.filter(organisation=organisation)
        .order_by("-version")
        .prefetch_related("rules")
        .first()
    )


def max_length_for(organisation: Organisation) -> int:
    rule_set = (
        RuleSet.objects.filter(organisation=organisation).order_by("-version").only("max_length")
    ).first()
    return rule_set.max_length if rule_set else DEFAULT_MAX_LENGTH_FALLBACK


def moderation_queue(organisation: Organisation) -> QuerySet[Contribution]:
    """Everything awaiting a decision: highest screening priority first, then oldest first."""
    return (
        Contribution.objects.filter(
            dialogue__organisation=organisation, status__in=AWAITING_STATUSES
        )
        .select_related("dialogue")
        .order_by("-priority", "created_at", "pk")
    )
