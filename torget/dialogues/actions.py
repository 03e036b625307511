"""Every write to dialogues, contributions and feedback reports goes through these functions.

Each runs in one transaction, records what it did (events or decisions), and sends mail only
after commit. Views validate input first; an exception here is a bug unless it is one of the
named refusals below, which describe a race the form could not see (the clock, a second click).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Committee, Organisation, User
from torget.archive.actions import NewEntry, append_entry, append_many
from torget.archive.models import Channel, EntryKind
from torget.core.groupcommit import GroupCommit
from torget.core.mail import send_on_commit
from torget.dialogues.lifecycle import check_transition, clock_moves
from torget.dialogues.models import (
    Dialogue,
    DialogueEvent,
    DialogueState,
    FeedbackNotice,
    FeedbackReport,
    ModerationMode,
    OfflineSource,
    Post,
    PostChannel,
    PostStatus,
)
from torget.dialogues.queries import lock_dialogue_for_submission
from torget.moderation.models import Block
from torget.moderation.queries import block_in_force
from torget.screening.api import ScreeningResult, screen

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


class DialogueNotOpen(Exception):
    """The dialogue was not open at the moment of submission (closed, or not yet open)."""

    def __init__(self, dialogue: Dialogue) -> None:
        super().__init__(dialogue.slug)
        self.dialogue = dialogue


class ParticipantBlocked(Exception):
    """A block in force covers this dialogue and the e-mail address given."""

    def __init__(self, block: Block, dialogue: Dialogue) -> None:
        super().__init__(block.pk)
        self.dialogue = dialogue
        self.block = block


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


def _new_reference() -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"T-{body[:4]}-{body[4:]}"


def email_confirmation_token(contribution: Post) -> str:
    return signing.dumps(
        {"c": contribution.pk, "e": contribution.email}, salt=EMAIL_CONFIRMATION_SALT
    )


def submit_contribution(
    *,
    organisation: Organisation,
    slug: str,
    display_name: str,
    text: str,
    email: str,
    submission_token: uuid.UUID,
    client_hash: str,
    language: str,
    max_length: int | None = None,
    now: datetime | None = None,
) -> tuple[Post, bool]:
    """Store a citizen's contribution to the public dialogue ``slug`` durably and return it
    with ``created``.

    A second submit of the same form (same token) returns the stored row and stores nothing:
    the token's unique constraint refuses it, so a form sent once (nearly every one) costs no
    lookup beforehand.
    Every post is screened on arrival: the flags and priority are stored beside it for the
    moderator, and a post with a national ID number or a possible threat is held from public
    view until a moderator decides, even under post-moderation. Screening never rejects
    anything by itself.
    The dialogue is read under the write lock, so what decides (state, window, moderation
    mode, case number) is what holds when the contribution is stored; the caller reads it
    before only to show a page. Contributions sent at the same moment share one transaction
    (``torget.core.groupcommit``); this returns once the contribution's is committed.
    ``Dialogue.DoesNotExist`` when no public dialogue of the authority has this slug,
    ``DialogueNotOpen`` outside its window, ``ParticipantBlocked`` for an address under a
    block in force for it.
    """
    now = now or timezone.now()
    submission = Submission(
        organisation=organisation,
        slug=slug,
        display_name=display_name,
        text=text,
        email=email,
        submission_token=submission_token,
        client_hash=client_hash,
        language=language,
        screening=screen(text, max_length=max_length, language=language),
        now=now,
    )
    try:
        contribution, created = _submissions.store(submission)
    except IntegrityError:
        # The same form was sent before (or at the same moment): that row is the answer.
        return Post.objects.get(submission_token=submission_token), False
    if created and email:
        # From this request's own thread once its contribution is committed (or with the
        # caller's transaction): a slow mail server never holds up the others of its batch.
        ask_to_confirm(contribution)
    return contribution, created


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


def _initial_status(dialogue: Dialogue, result: ScreeningResult) -> PostStatus:
    """Published at once under post-moderation, unless screening holds it for a person."""
    if dialogue.moderation_mode == ModerationMode.POST and not result.should_hold:
        return PostStatus.PUBLISHED_UNREVIEWED
    return PostStatus.PENDING


def _received_entry(
    post: Post,
    dialogue: Dialogue,
    *,
    channel: str = Channel.WEB,
    actor: User | None = None,
    **extra: Any,
) -> NewEntry:
    """The archive entry of a post that has just been stored."""
    return NewEntry(
        kind=EntryKind.CONTRIBUTION_RECEIVED,
        at=post.created_at,
        dialogue=dialogue,
        channel=channel,
        actor=actor,
        subject_type="contribution",
        subject_id=post.pk,
        subject_ref=post.reference,
        status=post.status,
        data={
            "language": post.language,
            "moderation_mode": dialogue.moderation_mode,
            "screening": post.screening,
            **extra,
        },
        content={"display_name": post.display_name, "text": post.text, "email": post.email},
        search_text=f"{post.display_name}\n{post.text}",
    )


@transaction.atomic
def enter_offline_input(
    *,
    dialogue: Dialogue,
    entered_by: User,
    received_via: OfflineSource,
    received_on: date,
    display_name: str,
    text: str,
    email: str,
    now: datetime | None = None,
) -> Post:
    """Store input the authority received outside Torget -- at a citizens' meeting, by letter,
    by telephone -- as a post of ``dialogue``, typed in by ``entered_by``.

    It is screened, moderated, archived and counted in the feedback like any post; the archive
    entry names who typed it in and how and when it was received. An address given is asked
    to confirm itself, as on the website, before anything else is sent to it. No length limit
    (a letter is as long as it is) and no block applies: what reached the authority is a
    record either way.
    """
    now = now or timezone.now()
    locked = Dialogue.objects.select_for_update().select_related("organisation").get(pk=dialogue.pk)
    language = locked.organisation.default_language
    result = screen(text, language=language)
    post = Post.objects.create(
        organisation_id=locked.organisation_id,
        channel=PostChannel.OFFLINE,
        dialogue=locked,
        reference=_new_reference(),
        submission_token=None,
        display_name=display_name,
        text=text,
        email=email,
        language=language,
        status=_initial_status(locked, result),
        screening=result.as_dict(),
        priority=int(result.priority),
        created_at=now,
        received_via=received_via,
        received_on=received_on,
        entered_by=entered_by,
    )
    append_many(
        [
            _received_entry(
                post,
                locked,
                channel=Channel.STAFF,
                actor=entered_by,
                post_channel=PostChannel.OFFLINE.value,
                received_via=str(received_via),
                received_on=received_on.isoformat(),
            )
        ]
    )
    if email:
        ask_to_confirm(post)
    return post


@dataclass(frozen=True)
class Submission:
    """A screened contribution waiting for its transaction."""

    organisation: Organisation
    slug: str
    display_name: str
    text: str
    email: str
    submission_token: uuid.UUID
    client_hash: str
    language: str
    screening: ScreeningResult
    now: datetime


def store_submissions(
    submissions: Sequence[Submission],
) -> list[tuple[Post, bool] | Exception]:
    """Store ``submissions`` in the caller's transaction with one read of each dialogue, one
    insert of the contributions and one append to the archive; a refused submission gets its
    exception and stores nothing. Sends no mail (``submit_contribution`` does)."""
    # Each dialogue locked once, in one order, so two batches never wait for each other's.
    organisation_of = {(s.organisation.pk, s.slug): s.organisation for s in submissions}
    dialogues = {
        key: lock_dialogue_for_submission(organisation_of[key], key[1])
        for key in sorted(organisation_of)
    }
    by_token: dict[uuid.UUID, Post] = {}
    outcomes: list[tuple[Post, bool] | Exception] = []
    stored: list[tuple[Post, Dialogue, Submission]] = []
    for submission in submissions:
        dialogue = dialogues[(submission.organisation.pk, submission.slug)]
        if dialogue is None:
            outcomes.append(Dialogue.DoesNotExist(submission.slug))
            continue
        if not accepts_contributions(dialogue, submission.now):
            outcomes.append(DialogueNotOpen(dialogue))
            continue
        if submission.email:
            block = block_in_force(
                organisation_id=dialogue.organisation_id,
                dialogue_id=dialogue.pk,
                email=submission.email,
                now=submission.now,
            )
            if block is not None:
                outcomes.append(ParticipantBlocked(block, dialogue))
                continue
        twin = by_token.get(submission.submission_token)
        if twin is not None:  # the same form sent twice within one batch
            outcomes.append((twin, False))
            continue
        result = submission.screening
        contribution = Post(
            organisation_id=dialogue.organisation_id,
            channel=PostChannel.WEB,
            dialogue=dialogue,
            reference=_new_reference(),
            submission_token=submission.submission_token,
            display_name=submission.display_name,
            text=submission.text,
            email=submission.email,
            client_hash=submission.client_hash,
            language=submission.language,
            status=_initial_status(dialogue, result),
            screening=result.as_dict(),
            priority=int(result.priority),
            created_at=submission.now,
        )
        by_token[submission.submission_token] = contribution
        stored.append((contribution, dialogue, submission))
        outcomes.append((contribution, True))
    if not stored:
        return outcomes
    Post.objects.bulk_create([contribution for contribution, _d, _s in stored])
    append_many([_received_entry(post, dialogue) for post, dialogue, _s in stored])
    return outcomes


_submissions = GroupCommit(store_submissions)


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
