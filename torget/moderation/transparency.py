"""The public transparency page: who runs the service, how posts become visible, and
moderation decisions counted by month and rule. Counts only: nothing here may identify a
citizen or an official."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render

from torget.accounts.http import TorgetRequest
from torget.dialogues.models import ModerationMode
from torget.moderation.models import DecisionKind, Rule
from torget.moderation.queries import (
    MonthOfDecisions,
    dialogues_taking_contributions,
    monthly_decision_counts,
    rule_set_in_force,
    rule_titles_by_code,
)

# Decisions on posts; a hold is a step towards one and is not counted.
KINDS = [DecisionKind.APPROVE, DecisionKind.REJECT, DecisionKind.REFER]
# A year is enough to see trends and keeps the page short; the archive holds the rest.
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class CountRow:
    counts: list[int]
    rule: Rule | None = None
    # A code cited under an earlier rule-set version that the rules in force no longer hold,
    # and that rule as last published, for its title: citizens are never shown codes.
    code: str = ""
    retired: Rule | None = None

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class MonthTable:
    month: MonthOfDecisions
    rows: list[CountRow]
    no_rule: CountRow | None
    total: CountRow


def _counts(by_kind: dict[str, int]) -> list[int]:
    return [by_kind.get(kind, 0) for kind in KINDS]


def _month_table(
    month: MonthOfDecisions, rules: list[Rule], earlier: dict[str, Rule]
) -> MonthTable:
    in_force = {rule.code for rule in rules}
    rows = [
        CountRow(_counts(month.by_rule[r.code]), rule=r) for r in rules if r.code in month.by_rule
    ]
    rows += [
        CountRow(_counts(month.by_rule[code]), code=code, retired=earlier.get(code))
        for code in sorted(set(month.by_rule) - in_force)
    ]
    return MonthTable(
        month=month,
        rows=rows,
        no_rule=CountRow(_counts(month.no_rule)) if month.no_rule else None,
        total=CountRow(_counts(month.total)),
    )


def transparency(request: TorgetRequest) -> HttpResponse:
    """Moderation in figures, who runs the service and how posts become visible. Counts only:
    nothing here may identify a citizen or an official."""
    organisation = request.organisation
    if organisation is None:
        raise Http404
    rules = list(rule_set_in_force(organisation).rules.all())
    months = monthly_decision_counts(organisation, months=MONTHS_SHOWN)
    in_force = {rule.code for rule in rules}
    retired = any(set(month.by_rule) - in_force for month in months)
    earlier = rule_titles_by_code(organisation) if retired else {}
    dialogues = list(dialogues_taking_contributions(organisation))
    modes = {dialogue.moderation_mode for dialogue in dialogues}
    return render(
        request,
        "moderation/transparency.html",
        {
            "kinds": [kind.label for kind in KINDS],
            "months": [_month_table(month, rules, earlier) for month in months],
            "months_shown": MONTHS_SHOWN,
            "priority_rules": [rule for rule in rules if rule.priority_offence],
            "dialogues": dialogues,
            "explain_pre": not dialogues or ModerationMode.PRE in modes,
            "explain_post": not dialogues or ModerationMode.POST in modes,
        },
    )
