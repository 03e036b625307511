"""Every write to dialogues, contributions and feedback reports goes through these functions.

Each runs in one transaction, records what it did (events or decisions), and sends mail only
after commit. Views validate input first; an exception here is a bug unless it is one of the
named refusals below, which describe a race the form could not see (the clock, a second click).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Committee, Organisation, User
from torget.archive.actions import append_entry
from torget.archive.models import Channel, EntryKind
from torget.core.mail import send_on_commit
from torget.dialogues.lifecycle import check_transition, clock_moves
from torget.dialogues.models import (
    Dialogue,
    DialogueEvent,
    DialogueState,
    FeedbackNotice,
    FeedbackReport,
    Post,
)

EMAIL_CONFIRMATION_SALT = "torget.contribution-email"
EMAIL_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 14
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class MissionCard(TypedDict):
    slug: str
    title: str
    assignment: str
    commissioned_by: Committee
    participation_level: str
    open_to_influence: str
    not_open_to_influence: str
    input_handling: str
    opens_at: datetime
    closes_at: datetime
    feedback_due: Any
    case_number: str
    moderation_mode: str


_ARCHIVE_KIND = {
    DialogueEvent.Kind.CREATED: EntryKind.DIALOGUE_CREATED,
    DialogueEvent.Kind.EDITED: EntryKind.DIALOGUE_EDITED,
    DialogueEvent.Kind.TRANSITION: EntryKind.DIALOGUE_TRANSITION,
}


def _record(
    *,
    dialogue: Dialogue,
    kind: DialogueEvent.Kind,
    actor: User | None,
    at: datetime,
    from_state: str = "",
    to_state: str = "",
    detail: dict[str, Any] | None = None,
    archive_kind: EntryKind | None = None,
) -> DialogueEvent:
    """Record the change as a dialogue event and in the public-records archive."""
    event = DialogueEvent.objects.create(
        dialogue=dialogue,
        kind=kind,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=to_state,
        detail=detail or {},
    )
    append_entry(
        kind=archive_kind or _ARCHIVE_KIND[kind],
        at=at,
        dialogue=dialogue,
        channel=Channel.STAFF,
        subject_type="dialogue",
        subject_id=dialogue.pk,
        subject_ref=dialogue.slug,
        status=dialogue.state,
        actor=actor,
        data={"event": event.pk, "from_state": from_state, "to_state": to_state, **event.detail},
    )
    return event


def _transition(
    *, dialogue: Dialogue, to_state: DialogueState, actor: User | None, at: datetime
) -> None:
    from_state = dialogue.state
    check_transition(from_state, to_state)
    dialogue.state = to_state
    dialogue.save(update_fields=["state"])
    _record(
        dialogue=dialogue,
        kind=DialogueEvent.Kind.TRANSITION,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=to_state,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Committee):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@transaction.atomic
def create_dialogue(
    *, organisation: Organisation, owner: User, card: MissionCard, now: datetime | None = None
) -> Dialogue:
    now = now or timezone.now()
    dialogue = Dialogue.objects.create(organisation=organisation, owner=owner, **card)
    _record(
        dialogue=dialogue,
        kind=DialogueEvent.Kind.CREATED,
        actor=owner,
        at=now,
        to_state=dialogue.state,
    )
    return dialogue


@transaction.atomic
def edit_dialogue(
    *, dialogue: Dialogue, actor: User, card: MissionCard, now: datetime | None = None
) -> Dialogue:
    """Change the mission card; the event keeps the earlier value of every changed field."""
    now = now or timezone.now()
    _catch_up(dialogue, now)
    changes: dict[str, Any] = {}
    for field, value in card.items():
        before = getattr(dialogue, field)
        if before != value:
            changes[field] = {"before": _jsonable(before), "after": _jsonable(value)}
            setattr(dialogue, field, value)
    if changes:
        dialogue.save()
        _record(
            dialogue=dialogue,
            kind=DialogueEvent.Kind.EDITED,
            actor=actor,
            at=now,
            detail={"changes": changes},
        )
    return dialogue


@transaction.atomic
def schedule_dialogue(*, dialogue: Dialogue, actor: User, now: datetime | None = None) -> None:
    now = now or timezone.now()
    _catch_up(dialogue, now)
    _transition(dialogue=dialogue, to_state=DialogueState.SCHEDULED, actor=actor, at=now)
    _advance_one(dialogue, now, not_before=now)


@transaction.atomic
def unschedule_dialogue(*, dialogue: Dialogue, actor: User, now: datetime | None = None) -> None:
    now = now or timezone.now()
    _catch_up(dialogue, now)
    _transition(dialogue=dialogue, to_state=DialogueState.DRAFT, actor=actor, at=now)


@transaction.atomic
def close_dialogue(*, dialogue: Dialogue, actor: User, now: datetime | None = None) -> None:
    """Close early, before the announced closing time."""
    now = now or timezone.now()
    _catch_up(dialogue, now)
    _transition(dialogue=dialogue, to_state=DialogueState.CLOSED, actor=actor, at=now)


@transaction.atomic
def archive_dialogue(*, dialogue: Dialogue, actor: User, now: datetime | None = None) -> None:
    now = now or timezone.now()
    _catch_up(dialogue, now)
    _transition(dialogue=dialogue, to_state=DialogueState.ARCHIVED, actor=actor, at=now)


def _advance_one(dialogue: Dialogue, now: datetime, *, not_before: datetime | None = None) -> None:
    """Apply the clock's moves, recorded at the announced time (not when we noticed), but never
    before ``not_before``: a dialogue scheduled after its opening time opens when scheduled."""
    for to_state, announced in clock_moves(dialogue, now):
        at = announced if not_before is None else max(announced, not_before)
        _transition(dialogue=dialogue, to_state=to_state, actor=None, at=at)


def _catch_up(dialogue: Dialogue, now: datetime) -> None:
    """Lock the dialogue's row for the caller's transaction, read its state and times afresh
    into ``dialogue``, and write the moves the clock owes it: a step a person asks for starts
    from the state the announced times imply (the one the page showed), and the history keeps
    the clock's move at its announced time before the person's."""
    state, opens_at, closes_at = (
        Dialogue.objects.select_for_update()
        .filter(pk=dialogue.pk)
        .values_list("state", "opens_at", "closes_at")
        .get()
    )
    dialogue.state, dialogue.opens_at, dialogue.closes_at = state, opens_at, closes_at
    _advance_one(dialogue, now)


def advance_dialogues(*, now: datetime | None = None) -> int:
    """Open and close dialogues whose announced time has come (``torget tick``). Returns how
    many moved; a second run at the same moment moves none."""
    now = now or timezone.now()
    due = Q(state=DialogueState.SCHEDULED, opens_at__lte=now) | Q(
        state=DialogueState.OPEN, closes_at__lte=now
    )
    moved = 0
    for pk in Dialogue.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            dialogue = Dialogue.objects.select_for_update().get(pk=pk)
            before = dialogue.state
            _advance_one(dialogue, now)
            moved += int(dialogue.state != before)
    return moved


def accepts_contributions(dialogue: Dialogue, now: datetime) -> bool:
    """The window is exact: the announced times decide, even before the clock has ticked."""
    return (
        dialogue.state in (DialogueState.SCHEDULED, DialogueState.OPEN)
        and dialogue.opens_at <= now < dialogue.closes_at
    )


def email_confirmation_token(contribution: Post) -> str:
    return signing.dumps(
        {"c": contribution.pk, "e": contribution.email}, salt=EMAIL_CONFIRMATION_SALT
    )


def ask_to_confirm(post: Post) -> None:
    """Send the link that confirms the post's e-mail address, after commit."""
    send_on_commit(
        to=post.email,
        subject=_("Confirm your e-mail address"),
        template="dialogues/email/confirm_email.txt",
        context={
            "contribution": post,
            "dialogue": post.dialogue,
            "confirm_path": reverse(
                "dialogues:confirm-email", kwargs={"token": email_confirmation_token(post)}
            ),
        },
        language=post.language,
    )


@transaction.atomic
def confirm_email(*, contribution: Post, now: datetime | None = None) -> bool:
    """Mark the address confirmed. Returns False when it already was."""
    updated = Post.objects.filter(pk=contribution.pk, email_confirmed_at__isnull=True).update(
        email_confirmed_at=now or timezone.now()
    )
    contribution.refresh_from_db(fields=["email_confirmed_at"])
    return updated == 1


@transaction.atomic
def save_feedback_report(
    *,
    dialogue: Dialogue,
    author: User,
    what_came_in: str,
    how_it_was_used: str,
    what_was_decided: str,
    now: datetime | None = None,
) -> FeedbackReport:
    """Write or rework the draft report. A published report is fixed (the view refuses)."""
    now = now or timezone.now()
    _catch_up(dialogue, now)
    report, _created = FeedbackReport.objects.update_or_create(
        dialogue=dialogue,
        published_at__isnull=True,
        defaults={
            "what_came_in": what_came_in,
            "how_it_was_used": how_it_was_used,
            "what_was_decided": what_was_decided,
            "author": author,
            "updated_at": now,
        },
    )
    _record(
        dialogue=dialogue,
        kind=DialogueEvent.Kind.EDITED,
        actor=author,
        at=now,
        detail={"feedback_report": "saved", **_report_texts(report)},
        archive_kind=EntryKind.FEEDBACK_SAVED,
    )
    return report


def _report_texts(report: FeedbackReport) -> dict[str, str]:
    return {
        "what_came_in": report.what_came_in,
        "how_it_was_used": report.how_it_was_used,
        "what_was_decided": report.what_was_decided,
    }


@transaction.atomic
def publish_feedback_report(
    *, report: FeedbackReport, actor: User, now: datetime | None = None
) -> int:
    """Publish the report and tell every participant with a confirmed e-mail, once.

    Returns the number of people notified.
    """
    now = now or timezone.now()
    dialogue = Dialogue.objects.select_for_update().get(pk=report.dialogue_id)
    # A dialogue past its closing time that tick has not closed yet is closed first, at
    # the announced time, so the report follows the close in its history.
    _advance_one(dialogue, now)
    report.published_at = now
    report.save(update_fields=["published_at"])
    _transition(dialogue=dialogue, to_state=DialogueState.FEEDBACK_PUBLISHED, actor=actor, at=now)
    recipients: dict[str, str] = {}
    for email, language in (
        dialogue.posts.exclude(email="")
        .filter(email_confirmed_at__isnull=False)
        .order_by("created_at")
        .values_list("email", "language")
    ):
        recipients.setdefault(email.lower(), language or dialogue.organisation.default_language)
    already = set(report.notices.values_list("email", flat=True))
    notified = 0
    for email, language in recipients.items():
        if email in already:
            continue
        FeedbackNotice.objects.create(report=report, email=email, sent_at=now)
        send_on_commit(
            to=email,
            subject=_("Feedback on a dialogue you took part in"),
            template="dialogues/email/feedback_published.txt",
            context={"dialogue": dialogue, "report": report},
            language=language,
        )
        notified += 1
    _record(
        dialogue=dialogue,
        kind=DialogueEvent.Kind.EDITED,
        actor=actor,
        at=now,
        detail={"feedback_report": "published", "notified": notified, **_report_texts(report)},
        archive_kind=EntryKind.FEEDBACK_PUBLISHED,
    )
    return notified


def forget_old_client_hashes(*, now: datetime | None = None) -> int:
    """Blank the keyed client hashes older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CLIENT_HASH_RETENTION_DAYS)
    return Post.objects.filter(created_at__lt=cutoff).exclude(client_hash="").update(client_hash="")
