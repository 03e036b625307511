from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation
from torget.archive.export import REDACTABLE_FIELDS
from torget.archive.models import Channel, EntryKind, RetentionRule
from torget.core.forms import CleanTextField, DateInput
from torget.dialogues.models import Dialogue, PostStatus

FIELD_LABELS = {
    "display_name": _("Display name"),
    "text": _("Text"),
    "email": _("E-mail"),
    "note": _("Note"),
}


class RequestForm(forms.Form):
    requester = CleanTextField(label=_("Requester"), max_length=200)
    requester_contact = CleanTextField(
        label=_("Requester's address or e-mail"),
        max_length=300,
        help_text=_("Where the answer is sent."),
    )
    received_on = forms.DateField(label=_("Received"), widget=DateInput())
    scope = CleanTextField(
        label=_("What is asked for"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    dialogue = forms.ModelChoiceField(
        label=_("Dialogue concerned"),
        queryset=Dialogue.objects.none(),
        required=False,
        help_text=_("Everything in it is held from disposal until the request is completed."),
    )
    deadline = forms.DateField(
        label=_("Answer by"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Leave empty for the legal default: 7 working days in Denmark, "
            "promptly (the next working day) in Sweden."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dialogue_field = self.fields["dialogue"]
        assert isinstance(dialogue_field, forms.ModelChoiceField)
        dialogue_field.queryset = Dialogue.objects.filter(organisation=organisation)

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be received in the future."))
        return received

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        received, deadline = data.get("received_on"), data.get("deadline")
        if received and deadline and deadline < received:
            self.add_error("deadline", _("The answer cannot be due before the request came in."))
        return data


class SearchForm(forms.Form):
    q = CleanTextField(label=_("Words, reference or case number"), required=False, max_length=200)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
    dialogue = forms.ModelChoiceField(
        label=_("Dialogue"), queryset=Dialogue.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *Channel.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status now"),
        choices=[("", _("Any")), *PostStatus.choices],
        required=False,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dialogue_field = self.fields["dialogue"]
        assert isinstance(dialogue_field, forms.ModelChoiceField)
        dialogue_field.queryset = Dialogue.objects.filter(organisation=organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date lies before the start date."))
        return data


class RedactionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("In"), choices=[(name, FIELD_LABELS[name]) for name in REDACTABLE_FIELDS]
    )
    passage = CleanTextField(
        label=_("Passage to withhold"),
        max_length=2000,
        strip=False,
        help_text=_("Copy it exactly; every occurrence in that text is withheld."),
    )
    ground = CleanTextField(
        label=_("Legal ground"),
        max_length=200,
        help_text=_("For example: offentlighedsloven § 30, nr. 1, or OSL 21 kap. 7 §."),
    )


class ReleaseForm(forms.Form):
    redact_automatically = forms.BooleanField(
        label=_("Withhold national ID numbers, e-mail addresses and phone numbers"),
        required=False,
        initial=True,
    )


class RetentionChangeForm(forms.Form):
    keep_days = forms.IntegerField(
        label=_("Keep the content for (days)"),
        min_value=1,
        max_value=36500,
        help_text=_("Counted from the entry's time. The entry itself and its metadata stay."),
        error_messages={
            "required": _("Give the number of days the content is kept."),
            "invalid": _("Give the number of days as a whole number."),
            "min_value": _("Keep the content for at least one day."),
            "max_value": _("Give at most 36500 days (100 years)."),
        },
    )
    basis = CleanTextField(
        label=_("Basis in the retention plan"),
        max_length=300,
        help_text=_("The decision this period follows, e.g. the plan's paragraph or number."),
        error_messages={"required": _("Name the basis in the retention plan.")},
    )


class RetentionRuleForm(RetentionChangeForm):
    kind = forms.ChoiceField(
        label=_("Kind of entry"),
        choices=EntryKind.choices,
        error_messages={
            "required": _("Choose the kind of entry."),
            "invalid_choice": _("Choose one of the kinds of entry in the list."),
        },
    )
    field_order = ["kind", "keep_days", "basis"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if RetentionRule.objects.filter(organisation=self.organisation, kind=kind).exists():
            raise forms.ValidationError(
                _("This kind of entry already has a retention rule; change that one instead."),
                code="exists",
            )
        return kind
