"""Edge validation for live chats: the citizen's question, the staff's steps, the set-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Committee, Organisation, Role, User
from torget.core.forms import CleanTextField, LocalDateTimeInput
from torget.dialogues.forms import CitizenPostForm
from torget.livechat.models import RETIRED_SEAT_POSITION, ChatSession, PanelSeat
from torget.moderation.models import RuleSet

ANSWER_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 1000


class QuestionForm(CitizenPostForm):
    text_label = _("Your question")
    text_rows = 4
    email_help = _(
        "Only for notices about your question and the dialogue's feedback report. We first "
        "send a link to confirm the address. It is never shown publicly."
    )


class RejectForm(forms.Form):
    rules = forms.ChoiceField(label=_("Rule broken"))
    note = CleanTextField(label=_("Note (optional)"), required=False, max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args: Any, rule_set: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rules"].choices = [  # type: ignore[attr-defined]
            (rule.code, rule.title) for rule in rule_set.rules.all()
        ]


class AssignForm(forms.Form):
    politician = forms.IntegerField(min_value=1)


class AnswerForm(forms.Form):
    text = CleanTextField(
        label=_("Your answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("At most %(limit)s characters. It is published with the question.")
        % {"limit": ANSWER_MAX_LENGTH},
    )


class ReturnForm(forms.Form):
    note = CleanTextField(label=_("What should the politician change?"), max_length=NOTE_MAX_LENGTH)


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        person: User = obj
        party = f" ({person.party.name})" if person.party_id and person.party else ""
        return f"{person.display_name}{party}"


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose groups are fieldsets with a legend, so a screen reader announces the
    group with each choice (Django's own template gives a group only a bare label)."""

    template_name = "livechat/widgets/grouped_checkboxes.html"


class PanelChoices(ModelChoiceIterator):
    """The politicians on the dialogue's commissioning committee first, then the others;
    each group keeps the party order. One group, without a heading, when nobody on the list
    sits on the committee."""

    def __iter__(self) -> Iterator[Any]:
        field = self.field
        assert isinstance(field, PanelField)
        members: list[Any] = []
        others: list[Any] = []
        for person in self.queryset:
            (members if getattr(person, "on_committee", False) else others).append(
                self.choice(person)
            )
        if field.committee is None or not members:
            yield from others
            return
        yield (
            gettext("Members of %(committee)s") % {"committee": field.committee.name},
            members,
        )
        if others:
            yield (gettext("Other politicians"), others)


class PanelField(PeopleField):
    iterator = PanelChoices
    committee: Committee | None = None


class ChatSessionForm(forms.ModelForm[ChatSession]):
    moderators = PeopleField(
        label=_("Moderators"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They screen every question and hand it to a politician."),
    )
    panel = PanelField(
        label=_("Panel"),
        queryset=User.objects.none(),
        widget=GroupedCheckboxes,
        help_text=_("The politicians who answer, typically one per party."),
    )

    class Meta:
        model = ChatSession
        fields = [
            "title",
            "slug",
            "description",
            "opens_at",
            "closes_at",
            "question_max_length",
            "answers_reviewed",
            "upvotes_enabled",
        ]
        widgets = {"opens_at": LocalDateTimeInput(), "closes_at": LocalDateTimeInput()}

    def __init__(
        self, *args: Any, organisation: Organisation, committee: Committee, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(organisation=organisation, is_active=True).select_related(
            "party"
        )
        moderators = self.fields["moderators"]
        panel = self.fields["panel"]
        assert isinstance(moderators, forms.ModelMultipleChoiceField)
        assert isinstance(panel, PanelField)
        moderators.queryset = people.filter(role_grants__role=Role.MODERATOR).order_by(
            "first_name", "username"
        )
        # The committee that commissioned the dialogue is the one 004 asks to meet the
        # citizens, so its members are offered first; the panel may still include anyone.
        panel.committee = committee
        panel.queryset = (
            people.filter(role_grants__role=Role.POLITICIAN)
            .annotate(
                on_committee=Exists(
                    User.committees.through.objects.filter(
                        user_id=OuterRef("pk"), committee_id=committee.pk
                    )
                )
            )
            .order_by("party__name", "first_name", "username")
        )
        self.fields["question_max_length"].widget.attrs.update(min=20, max=4000)
        for name in ("title", "description"):
            original = self.fields[name]
            self.fields[name] = CleanTextField(
                label=original.label,
                help_text=original.help_text,
                required=original.required,
                max_length=getattr(original, "max_length", None),
                widget=original.widget,
            )
        if self.instance.pk:
            # The web address is permanent: the transcript stays there.
            del self.fields["slug"]
            self.initial["moderators"] = list(self.instance.moderators.all())
            self.initial["panel"] = [
                seat.politician
                for seat in PanelSeat.objects.filter(
                    session=self.instance, position__lt=RETIRED_SEAT_POSITION
                )
                .select_related("politician")
                .order_by("position")
            ]

    def clean_question_max_length(self) -> int:
        value: int = self.cleaned_data["question_max_length"]
        if not 20 <= value <= 4000:
            raise forms.ValidationError(_("Choose a limit between 20 and 4,000 characters."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The chat must close after it opens."))
        return data

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "question_max_length": data["question_max_length"],
            "answers_reviewed": data["answers_reviewed"],
            "upvotes_enabled": data["upvotes_enabled"],
            "moderators": list(data["moderators"]),
            "panel": list(data["panel"]),
        }
