"""Form field helpers shared by every app: text that people type, checked the same way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from torget.core.text import has_control_characters, normalise_text


class CleanTextField(forms.CharField):
    """A CharField that normalises text and refuses invisible control characters."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return normalise_text(text) if text else ""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and has_control_characters(value):
            raise ValidationError(
                _("The text contains invisible control characters. Please remove them."),
                code="control_characters",
            )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
