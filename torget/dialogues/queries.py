"""Reusable reads and the permission-checked getters every view fetches through."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Field, Prefetch, Q, QuerySet
from django.http import Http404

from torget.accounts.models import Organisation, User
from torget.accounts.permissions import AnyUser
from torget.dialogues.models import (
    VISIBLE_STATUSES,
    Dialogue,
    DialogueState,
    Post,
)
from torget.dialogues.permissions import can_edit_dialogue, can_view_dialogue_in_staff

# A dialogue's contributions are the posts made to it on its own page (or typed in for it);
# a chat's questions belong to their chat's thread and are counted there.
ON_THE_PAGE = Q(posts__thread__isnull=True)
PUBLISHED = Q(posts__status__in=VISIBLE_STATUSES)

LISTED_STATES = (
    DialogueState.SCHEDULED,
    DialogueState.OPEN,
    DialogueState.CLOSED,
    DialogueState.FEEDBACK_PUBLISHED,
    DialogueState.ARCHIVED,
)

# States in which a promised feedback date can still be missed: no report is published yet.
FEEDBACK_PENDING_STATES = (DialogueState.SCHEDULED, DialogueState.OPEN, DialogueState.CLOSED)


def public_dialogues(organisation: Organisation) -> QuerySet[Dialogue]:
    return (
        Dialogue.objects.filter(organisation=organisation, state__in=LISTED_STATES)
        .select_related("commissioned_by")
        .annotate(published_count=Count("posts", filter=ON_THE_PAGE & PUBLISHED))
        .order_by("closes_at")
    )


def get_public_dialogue(organisation: Organisation, slug: str) -> Dialogue:
    try:
        return (
            Dialogue.objects.select_related("commissioned_by", "organisation")
            .filter(organisation=organisation, state__in=LISTED_STATES)
            .get(slug=slug)
        )
    except Dialogue.DoesNotExist:
        raise Http404(slug) from None


# What the contribution form's POST reads of its dialogue when all goes well, and what its
# refusal pages show; the page itself (a form with errors) loads the whole dialogue.
SUBMISSION_FIELDS = (
    "organisation_id",
    "slug",
    "title",
    "state",
    "opens_at",
    "closes_at",
    "moderation_mode",
    "case_number",
)


def dialogues_for_submission(organisation: Organisation) -> QuerySet[Dialogue]:
    """The public dialogues with only ``SUBMISSION_FIELDS`` loaded: a submission is most of
    what a busy dialogue serves, and it needs none of the mission card, its committee or its
    authority."""
    return Dialogue.objects.filter(organisation=organisation, state__in=LISTED_STATES).only(
        *SUBMISSION_FIELDS
    )


def lock_dialogue_for_submission(organisation: Organisation, slug: str) -> Dialogue | None:
    """The public dialogue ``slug`` with only ``SUBMISSION_FIELDS`` loaded, read in the
    caller's transaction and locked until it ends (``FOR UPDATE`` on PostgreSQL; on SQLite
    the IMMEDIATE transaction already holds the one write lock); None when there is none.

    Plain SQL: this runs under the write lock once per batch of submissions, where every
    microsecond holds up every other writer, and building the query through the ORM cost
    several times the read itself (docs/performance-log.md).
    """
    sql = _locked_submission_sql(connection.vendor)
    rows = Dialogue.objects.raw(sql, [organisation.pk, slug, *LISTED_STATES])
    dialogue = next(iter(rows), None)
    if dialogue is not None:
        dialogue.organisation = organisation
    return dialogue


@functools.cache
def _locked_submission_sql(vendor: str) -> str:
    meta = Dialogue._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        field = meta.get_field(name)
        assert isinstance(field, Field)
        return quote(field.column)

    columns = ", ".join(column(name) for name in ("id", *SUBMISSION_FIELDS))
    states = ", ".join(["%s"] * len(LISTED_STATES))
    where = (
        f"{column('organisation')} = %s AND {column('slug')} = %s "
        f"AND {column('state')} IN ({states})"
    )
    lock = " FOR UPDATE" if vendor == "postgresql" else ""
    # Names from the model's own metadata only; every value is a parameter.
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where}{lock}"  # noqa: S608


def get_dialogue_for_submission(organisation: Organisation, slug: str) -> Dialogue:
    try:
        dialogue = dialogues_for_submission(organisation).get(slug=slug)
    except Dialogue.DoesNotExist:
        raise Http404(slug) from None
    dialogue.organisation = organisation
    return dialogue


def get_dialogue_for(
    user: AnyUser, organisation: Organisation, pk: int, *, write: bool = False
) -> Dialogue:
    """Return the dialogue when ``user`` may see it in the staff pages (and edit it, with
    ``write``); raise otherwise, so no view can forget the check."""
    if not can_view_dialogue_in_staff(user):
        raise PermissionDenied
    try:
        dialogue = Dialogue.objects.select_related("commissioned_by", "owner", "organisation").get(
            organisation=organisation, pk=pk
        )
    except Dialogue.DoesNotExist:
        raise Http404(str(pk)) from None
    if write and not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    return dialogue


def stored_post_reference(submission_token: uuid.UUID) -> str | None:
    """The receipt reference of the post sent with this form, if it was stored: whatever its
    channel, a citizen's post is a ``Post`` with its form's one-time token."""
    return (
        Post.objects.filter(submission_token=submission_token)
        .values_list("reference", flat=True)
        .first()
    )


def published_contributions(dialogue: Dialogue) -> QuerySet[Post]:
    return dialogue.posts.filter(thread__isnull=True, status__in=VISIBLE_STATUSES).order_by(
        "created_at", "pk"
    )


def overdue_feedback(organisation: Organisation, today: date) -> QuerySet[Dialogue]:
    """Dialogues whose promised feedback date has passed without a published report."""
    return (
        Dialogue.objects.filter(
            organisation=organisation,
            feedback_due__lt=today,
            state__in=FEEDBACK_PENDING_STATES,
        )
        .select_related("owner")
        .order_by("feedback_due")
    )


def staff_dialogues(organisation: Organisation) -> QuerySet[Dialogue]:
    return (
        Dialogue.objects.filter(organisation=organisation)
        .select_related("owner", "commissioned_by")
        .annotate(
            contribution_count=Count("posts", filter=ON_THE_PAGE),
        )
        .order_by("-created_at")
    )


LATEST_FOR_COMMITTEE = 3


@dataclass(frozen=True)
class CommitteeDialogue:
    """A dialogue as a member of its commissioning committee follows it: what the public
    sees, and how many contributions came in, published or not."""

    dialogue: Dialogue
    published_count: int
    received_count: int
    latest_published: list[Post]
    feedback_overdue: bool


def committee_dialogues(
    user: User, organisation: Organisation, today: date, *, latest: int = LATEST_FOR_COMMITTEE
) -> list[CommitteeDialogue]:
    """The public dialogues commissioned by a committee ``user`` sits on, the newest closing
    first, each with its counts and its ``latest`` newest published contributions: two
    queries however many dialogues and contributions there are (one when there are none).
    Unpublished contributions are only counted; their texts are not read."""
    dialogues = (
        Dialogue.objects.filter(
            organisation=organisation,
            state__in=LISTED_STATES,
            commissioned_by__in=user.committees.values("pk"),
        )
        .select_related("commissioned_by")
        .annotate(
            published_count=Count("posts", filter=ON_THE_PAGE & PUBLISHED),
            received_count=Count("posts", filter=ON_THE_PAGE),
        )
        .prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.filter(thread__isnull=True, status__in=VISIBLE_STATUSES)
                .only("dialogue", "reference", "display_name", "text", "screening", "created_at")
                .order_by("-created_at", "-pk")[:latest],
                to_attr="latest_published",
            )
        )
        .order_by("-closes_at", "pk")
    )
    return [
        CommitteeDialogue(
            dialogue=dialogue,
            published_count=dialogue.published_count,
            received_count=dialogue.received_count,
            latest_published=dialogue.latest_published,
            feedback_overdue=dialogue.feedback_due < today
            and dialogue.state in FEEDBACK_PENDING_STATES,
        )
        for dialogue in dialogues
    ]
