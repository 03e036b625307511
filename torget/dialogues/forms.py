"""Edge validation for dialogues, contributions and feedback reports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation
from torget.core.forms import CleanTextField, DateInput, LocalDateTimeInput
from torget.dialogues.actions import MissionCard
from torget.dialogues.models import Dialogue, ModerationMode, OfflineSource, ParticipationLevel


class CitizenPostForm(forms.Form):
    """What every citizen's post has: a name to show, the text (its limit set per request),
    an address for notices if they like, a trap field for automated senders and the form's
    one-time token."""

    text_label = _("Your contribution")
    text_rows = 6
    email_help = _(
        "Only for notices about your contribution and the feedback report. We first send a "
        "link to confirm the address. It is never shown publicly."
    )

    display_name = CleanTextField(
        label=_("Your name as it will be shown"),
        max_length=80,
        help_text=_("You may use a display name instead of your real name."),
        # WCAG 1.3.5: the purpose of fields about the person is named for autofill.
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # A hidden field that people never see; automated senders tend to fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    field_order = ["display_name", "text", "email", "website", "submission_token"]

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        # The limit comes from the rule set or the chat, so the field is built per request.
        self.fields["text"] = CleanTextField(
            label=self.text_label,
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": self.text_rows}),
            help_text=_("At most %(limit)s characters.") % {"limit": max_length},
        )
        self.fields["email"].help_text = self.email_help
        self.order_fields(self.field_order)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ContributionForm(CitizenPostForm):
    """A contribution on a dialogue's page."""


class OfflineInputForm(forms.Form):
    """Input the authority received outside Torget, as a member of staff types it in."""

    received_via = forms.ChoiceField(
        label=_("How it was received"), choices=OfflineSource.choices, widget=forms.RadioSelect
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    display_name = CleanTextField(
        label=_("Name to show"),
        max_length=80,
        help_text=_(
            "The name the citizen gave, or a description such as “Participant at the "
            "citizens' meeting”."
        ),
    )
    text = CleanTextField(
        label=_("The input, as the citizen put it"), widget=forms.Textarea(attrs={"rows": 10})
    )
    email = forms.EmailField(
        label=_("The citizen's e-mail (optional)"),
        required=False,
        help_text=_(
            "Only if the citizen gave it. We send a link to confirm the address; once confirmed, "
            "the citizen is told of the decision on the input and of the feedback report."
        ),
    )

    def clean_received_on(self) -> date:
        received_on: date = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(
                _("The date cannot be in the future. Give the day the input was received."),
                code="future",
            )
        return received_on


class MissionCardForm(forms.ModelForm[Dialogue]):
    class Meta:
        model = Dialogue
        fields = [
            "title",
            "slug",
            "assignment",
            "commissioned_by",
            "participation_level",
            "open_to_influence",
            "not_open_to_influence",
            "input_handling",
            "opens_at",
            "closes_at",
            "feedback_due",
            "case_number",
            "moderation_mode",
        ]
        widgets = {
            "opens_at": LocalDateTimeInput(),
            "closes_at": LocalDateTimeInput(),
            "feedback_due": DateInput(),
            "participation_level": forms.RadioSelect,
            "moderation_mode": forms.RadioSelect,
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        committee = self.fields["commissioned_by"]
        assert isinstance(committee, forms.ModelChoiceField)
        committee.queryset = organisation.committees.all()
        self.fields["participation_level"].choices = ParticipationLevel.choices  # type: ignore[attr-defined]
        self.fields["moderation_mode"].choices = ModerationMode.choices  # type: ignore[attr-defined]
        for name in (
            "title",
            "assignment",
            "open_to_influence",
            "not_open_to_influence",
            "input_handling",
            "case_number",
        ):
            original = self.fields[name]
            self.fields[name] = CleanTextField(
                label=original.label,
                help_text=original.help_text,
                required=original.required,
                max_length=getattr(original, "max_length", None),
                widget=original.widget,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        feedback_due = data.get("feedback_due")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The dialogue must close after it opens."))
        if closes_at and feedback_due and feedback_due < closes_at.date():
            self.add_error(
                "feedback_due", _("Feedback cannot be promised before the dialogue closes.")
            )
        return data

    def mission_card(self) -> MissionCard:
        data = self.cleaned_data
        return MissionCard(
            slug=data["slug"],
            title=data["title"],
            assignment=data["assignment"],
            commissioned_by=data["commissioned_by"],
            participation_level=data["participation_level"],
            open_to_influence=data["open_to_influence"],
            not_open_to_influence=data["not_open_to_influence"],
            input_handling=data["input_handling"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            feedback_due=data["feedback_due"],
            case_number=data["case_number"],
            moderation_mode=data["moderation_mode"],
        )


class FeedbackReportForm(forms.Form):
    what_came_in = CleanTextField(
        label=_("What came in"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How many took part, and the main points they raised."),
    )
    how_it_was_used = CleanTextField(
        label=_("How the input was used"), widget=forms.Textarea(attrs={"rows": 5})
    )
    what_was_decided = CleanTextField(
        label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 5})
    )
