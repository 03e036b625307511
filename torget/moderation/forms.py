from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from torget.core.forms import CleanTextField
from torget.moderation.models import DecisionKind, RuleSet


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DecisionKind.choices, label=_("Decision"))
    rules = forms.MultipleChoiceField(
        label=_("Rules"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = CleanTextField(
        label=_("Note (reason)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, rule_set: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules_field = self.fields["rules"]
        assert isinstance(rules_field, forms.MultipleChoiceField)
        rules_field.choices = [(rule.code, rule.title) for rule in rule_set.rules.all()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == DecisionKind.REJECT and not data.get("rules"):
            self.add_error("rules", _("A rejection must cite at least one rule."))
        return data
