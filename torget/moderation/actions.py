"""Every moderation write: publishing rule sets and deciding on contributions.

A decision is a new row; the contribution's status beside its (unchanged) text follows it.
The author is told after commit when they have confirmed an e-mail address.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation, User
from torget.archive.actions import append_entry
from torget.archive.models import Channel, EntryKind
from torget.core.mail import send_on_commit
from torget.dialogues.models import AWAITING_STATUSES, Contribution, ContributionStatus
from torget.moderation.defaults import DEFAULT_MAX_LENGTH, DEFAULT_RULES
from torget.moderation.models import Decision, DecisionKind, Rule, RuleSet


class AlreadyDecided(Exception):
    """Another moderator decided first; nothing was changed."""

    def __init__(self, decision: Decision | None) -> None:
        super().__init__("already decided")
        self.decision = decision


@transaction.atomic
def publish_default_rule_set(*, organisation: Organisation, now: datetime | None = None) -> RuleSet:
    """Give an authority Torget's default rules as version 1 (no-op when it has rules)."""
    existing = RuleSet.objects.filter(organisation=organisation).order_by("-version").first()
    if existing is not None:
        return existing
    rule_set = RuleSet.objects.create(
        organisation=organisation,
        version=1,
        max_length=DEFAULT_MAX_LENGTH,
        published_at=now or timezone.now(),
    )
    Rule.objects.bulk_create(
        Rule(rule_set=rule_set, position=index, **rule)
        for index, rule in enumerate(DEFAULT_RULES, start=1)
    )
    return rule_set


_STATUS_AFTER = {
    DecisionKind.APPROVE: ContributionStatus.APPROVED,
    DecisionKind.REJECT: ContributionStatus.REJECTED,
    DecisionKind.REFER: ContributionStatus.REFERRED,
}

_NOTICE_SUBJECT = {
    DecisionKind.APPROVE: _("Your contribution has been published"),
    DecisionKind.REJECT: _("Your contribution was not published"),
    DecisionKind.REFER: _("Your contribution was passed to customer service"),
}


def _decide(
    *,
    kind: DecisionKind,
    contribution: Contribution,
    moderator: User,
    rule_codes: Sequence[str],
    note: str,
    now: datetime | None,
) -> Decision:
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Contribution.objects.select_for_update()
            .select_related("dialogue__organisation")
            .get(pk=contribution.pk)
        )
        if locked.status not in AWAITING_STATUSES:
            raise AlreadyDecided(locked.decisions.select_related("moderator").last())
        organisation = locked.dialogue.organisation
        rule_set = RuleSet.objects.filter(organisation=organisation).order_by("-version").first()
        if rule_set is None:
            rule_set = publish_default_rule_set(organisation=organisation, now=now)
        rules = list(rule_set.rules.filter(code__in=rule_codes))
        decision = Decision.objects.create(
            contribution=locked,
            kind=kind,
            moderator=moderator,
            decided_at=now,
            rule_set=rule_set,
            note=note,
            referred_to=organisation.customer_service_email if kind == DecisionKind.REFER else "",
        )
        decision.rules.set(rules)
        locked.status = _STATUS_AFTER[kind]
        locked.save(update_fields=["status"])
        append_entry(
            kind=EntryKind.DECISION,
            at=now,
            dialogue=locked.dialogue,
            channel=Channel.STAFF,
            subject_type="contribution",
            subject_id=locked.pk,
            subject_ref=locked.reference,
            status=locked.status,
            actor=moderator,
            data={
                "decision": decision.pk,
                "decision_kind": str(kind),
                "rules": sorted(rule.code for rule in rules),
                "rule_set_version": rule_set.version,
                "referred_to": decision.referred_to,
            },
            content={"note": note} if note else None,
        )
        language = locked.language or organisation.default_language
        if kind == DecisionKind.REFER:
            send_on_commit(
                to=organisation.customer_service_email,
                subject=_("Service request from a citizen dialogue"),
                template="moderation/email/referral.txt",
                context={
                    "contribution": locked,
                    "decision": decision,
                    "organisation": organisation,
                },
                language=organisation.default_language,
            )
        if locked.has_confirmed_email:
            send_on_commit(
                to=locked.email,
                subject=_NOTICE_SUBJECT[kind],
                template="moderation/email/decision_notice.txt",
                context={
                    "contribution": locked,
                    "decision": decision,
                    "rules": rules,
                    "organisation": organisation,
                },
                language=language,
            )
    contribution.status = locked.status
    return decision


def approve_contribution(
    *,
    contribution: Contribution,
    moderator: User,
    rule_codes: Sequence[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    return _decide(
        kind=DecisionKind.APPROVE,
        contribution=contribution,
        moderator=moderator,
        rule_codes=rule_codes,
        note=note,
        now=now,
    )


def reject_contribution(
    *,
    contribution: Contribution,
    moderator: User,
    rule_codes: Sequence[str],
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    return _decide(
        kind=DecisionKind.REJECT,
        contribution=contribution,
        moderator=moderator,
        rule_codes=rule_codes,
        note=note,
        now=now,
    )


def refer_contribution(
    *,
    contribution: Contribution,
    moderator: User,
    note: str = "",
    now: datetime | None = None,
) -> Decision:
    return _decide(
        kind=DecisionKind.REFER,
        contribution=contribution,
        moderator=moderator,
        rule_codes=(),
        note=note,
        now=now,
    )
