from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation, User
from torget.core.forms import CleanTextField, LocalDateTimeInput
from torget.dialogues.models import Dialogue, PostChannel
from torget.moderation.actions import ombudsman
from torget.moderation.models import (
    MAX_BLOCK_DAYS,
    BlockScope,
    DecisionKind,
    ReviewOutcome,
    RuleSet,
)
from torget.moderation.queries import politicians_of


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
        if data.get("decision") == DecisionKind.HOLD and not data.get("note"):
            self.add_error("note", _("Say why you hold it, for the colleague who decides."))
        return data


class ReviewRequestForm(forms.Form):
    reason = CleanTextField(
        label=_("Why should the decision be looked at again?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Explain why you think the decision is wrong. An official who did not make the "
            "decision will read it, together with your contribution."
        ),
        error_messages={"required": _("Please write why you ask for a review.")},
    )


class ReviewDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the decision is upheld or overturned.")},
    )
    note = CleanTextField(
        label=_("Reason (sent to the author)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the reason for the outcome; the author is told.")},
    )


def _authority_now(organisation: Organisation, now: datetime) -> datetime:
    return timezone.localtime(now, zoneinfo.ZoneInfo(organisation.time_zone))


class BlockForm(forms.Form):
    """The parts of a block decision the law asks for, each required."""

    rules = forms.MultipleChoiceField(
        label=_("Rules the block is based on"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cite at least one rule the block is based on.")},
    )
    reasons = CleanTextField(
        label=_("Reasons"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The facts: what the person did, and why a block is needed. They are told."),
        error_messages={"required": _("Write the reasons for the block.")},
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=BlockScope.choices,
        widget=forms.RadioSelect,
        initial=BlockScope.DIALOGUE,
        error_messages={"required": _("Choose where the block applies.")},
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=LocalDateTimeInput(),
        error_messages={
            "required": _("Give the end of the block; a block is always time-limited."),
            "invalid": _("Enter the end as a date and a time."),
        },
    )
    restoration = CleanTextField(
        label=_("How contact is restored"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how the person's contact is restored.")},
    )
    complaint = CleanTextField(
        label=_("Where to complain"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say where the person can complain.")},
    )

    def __init__(
        self,
        *args: Any,
        rule_set: RuleSet,
        organisation: Organisation,
        dialogue: Dialogue,
        now: datetime,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).update(
            {
                "restoration": _(
                    "Contact is restored by itself when the block ends; you need not do "
                    "anything. You may ask for the block to be lifted earlier by writing to "
                    "%(email)s."
                )
                % {"email": organisation.contact_email},
                "complaint": _(
                    "You can ask for the decision to be reviewed by writing to %(email)s; an "
                    "official who did not make it will look at it. You can also complain to "
                    "%(ombudsman)s."
                )
                % {"email": organisation.contact_email, "ombudsman": ombudsman(organisation)},
            }
        )
        super().__init__(*args, **kwargs)
        self.now = now
        self.organisation = organisation
        rules_field = self.fields["rules"]
        assert isinstance(rules_field, forms.MultipleChoiceField)
        rules_field.choices = [(rule.code, rule.title) for rule in rule_set.rules.all()]
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, forms.ChoiceField)
        scope_field.choices = [
            (
                BlockScope.DIALOGUE,
                _("Only the dialogue “%(title)s”") % {"title": dialogue.title},
            ),
            (
                BlockScope.ORGANISATION,
                _("All dialogues of %(name)s") % {"name": organisation.name},
            ),
        ]
        self.fields["ends_at"].help_text = _(
            "In the authority's time zone. At most %(days)s days from now."
        ) % {"days": MAX_BLOCK_DAYS}

    def clean_ends_at(self) -> datetime:
        ends_at: datetime = self.cleaned_data["ends_at"]
        if ends_at <= self.now:
            raise ValidationError(_("The end must be in the future."), code="past")
        latest = self.now + timedelta(days=MAX_BLOCK_DAYS)
        if ends_at > latest:
            raise ValidationError(
                _(
                    "A block may last at most %(days)s days, so it must end by %(latest)s. A "
                    "longer restriction needs a new decision when this one ends."
                ),
                code="too_long",
                params={
                    "days": MAX_BLOCK_DAYS,
                    "latest": date_format(
                        _authority_now(self.organisation, latest), "SHORT_DATETIME_FORMAT"
                    ),
                },
            )
        return ends_at


class LiftBlockForm(forms.Form):
    reason = CleanTextField(
        label=_("Why is the block lifted early?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why the block is lifted.")},
    )


class PoliticianChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        party = f" ({obj.party.abbreviation})" if obj.party else ""
        return f"{obj.display_name}{party}"


class ThreatForm(forms.Form):
    politician = PoliticianChoiceField(
        label=_("Politician threatened"),
        queryset=User.objects.none(),
        empty_label=_("Choose a politician"),
        error_messages={
            "required": _("Choose the politician the post threatens."),
            "invalid_choice": _("Choose one of the authority's politicians."),
        },
    )
    note = CleanTextField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What makes it a threat; kept with the evidence."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        politician = self.fields["politician"]
        assert isinstance(politician, PoliticianChoiceField)
        # Only this authority's politicians: an id from elsewhere is an invalid choice.
        politician.queryset = politicians_of(organisation)


class QueueFilterForm(forms.Form):
    """Narrow the one queue to a channel, a dialogue or a thread (a live chat). Unknown or
    malformed values are ignored: the whole queue is shown."""

    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *PostChannel.choices]
    )
    dialogue = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    thread = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"channel": "", "dialogue_id": None, "thread_id": None}
        return {
            "channel": self.cleaned_data["channel"] or "",
            "dialogue_id": self.cleaned_data["dialogue"],
            "thread_id": self.cleaned_data["thread"],
        }


class FindForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=16)


RULE_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,31}$"


class RuleForm(forms.Form):
    """One rule of a draft. The wording may be incomplete while the draft is worked on;
    publishing refuses a version with a missing translation."""

    code = forms.RegexField(
        label=_("Code"),
        regex=RULE_CODE_PATTERN,
        max_length=32,
        help_text=_(
            "Capital letters, digits and _, e.g. ON_TOPIC. Keep the code when a rule's "
            "wording changes: statistics count decisions by code. Citizens never see it."
        ),
        error_messages={
            "required": _("Give the rule a code."),
            "invalid": _("Write the code with capital letters, digits and _, e.g. ON_TOPIC."),
        },
    )
    title_da = CleanTextField(label=_("Title in Danish"), max_length=200, required=False)
    text_da = CleanTextField(
        label=_("Explanation in Danish"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    title_sv = CleanTextField(label=_("Title in Swedish"), max_length=200, required=False)
    text_sv = CleanTextField(
        label=_("Explanation in Swedish"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    title_en = CleanTextField(label=_("Title in English"), max_length=200, required=False)
    text_en = CleanTextField(
        label=_("Explanation in English"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority_offence = forms.BooleanField(
        label=_("May be an offence that must be removed (BBS-lagen § 5): handled first"),
        required=False,
    )


class DraftSettingsForm(forms.Form):
    max_length = forms.IntegerField(
        label=_("Longest contribution (characters)"),
        min_value=100,
        max_value=20000,
        error_messages={
            "required": _("Give the longest contribution in characters."),
            "invalid": _("Give the length as a whole number."),
            "min_value": _("Allow at least 100 characters."),
            "max_value": _("Allow at most 20000 characters."),
        },
    )


class PublishForm(forms.Form):
    in_force_from = forms.DateTimeField(
        label=_("In force from"),
        widget=LocalDateTimeInput(),
        help_text=_(
            "In the authority's time zone. Now or later, after the start of the version in force."
        ),
        error_messages={
            "required": _("Give the date and time the version comes into force."),
            "invalid": _("Enter the start as a date and a time."),
        },
    )
