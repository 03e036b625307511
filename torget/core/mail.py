"""E-mail that leaves only after the transaction that caused it has committed."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise


def send_on_commit(
    *,
    to: str,
    subject: str | Promise,
    template: str,
    context: Mapping[str, object],
    language: str,
) -> None:
    """Render in ``language`` now (so the text matches the moment of the decision) and send
    after commit; a rolled-back action never sends mail."""
    with translation.override(language):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
        subject_text = str(subject)
    transaction.on_commit(lambda: send_mail(subject_text, body, settings.DEFAULT_FROM_EMAIL, [to]))
