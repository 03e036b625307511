"""The authority's own moderation decisions as training examples for the screening classifier.

A contribution rejected under a rule about tone, discrimination, threats or incitement counts
as offensive; an approved one as not offensive. Referrals and other rules say nothing about
tone and are left out. Only aggregate model weights come out of this: no per-person profile.
"""

from __future__ import annotations

from collections.abc import Iterator

from torget.accounts.models import Organisation
from torget.moderation.models import Decision, DecisionKind

OFFENSIVE_RULES = frozenset({"RESPECT", "DISCRIMINATION", "THREATS", "INCITEMENT"})


def decision_examples(*, organisation: Organisation, language: str) -> Iterator[tuple[str, bool]]:
    """(text, is_offensive) for each decided contribution written in ``language``."""
    decisions = (
        Decision.objects.filter(
            contribution__dialogue__organisation=organisation,
            contribution__language=language,
            kind__in=(DecisionKind.APPROVE, DecisionKind.REJECT),
        )
        .select_related("contribution")
        .prefetch_related("rules")
        .order_by("contribution_id", "decided_at", "pk")
    )
    latest: dict[int, Decision] = {}
    for decision in decisions:
        latest[decision.contribution_id] = decision  # a later decision (review) wins
    for decision in latest.values():
        codes = {rule.code for rule in decision.rules.all()}
        if decision.kind == DecisionKind.APPROVE:
            yield decision.contribution.text, False
        elif codes & OFFENSIVE_RULES:
            yield decision.contribution.text, True
