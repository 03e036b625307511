"""Bounded dialogues with their mission card, the citizens' posts and feedback reports.

A ``Post`` is everything a citizen says to the authority, whatever the channel it came by
(docs/decisions/0004-one-post-one-moderation.md). Citizen text is never changed once stored;
status lives beside it and every change of status is recorded as an event (dialogues) or a
decision (moderation).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Committee, Organisation


class ParticipationLevel(models.TextChoices):
    INFORM = "inform", _("Inform")
    CONSULT = "consult", _("Consult")
    INVOLVE = "involve", _("Involve")
    CO_DECIDE = "co_decide", _("Co-decide")


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: contributions appear after approval")
    POST = "post", _("Post-moderation: contributions appear at once and are reviewed after")


class DialogueState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    FEEDBACK_PUBLISHED = "feedback_published", _("Feedback published")
    ARCHIVED = "archived", _("Archived")


PUBLIC_STATES = frozenset(
    {
        DialogueState.OPEN,
        DialogueState.CLOSED,
        DialogueState.FEEDBACK_PUBLISHED,
        DialogueState.ARCHIVED,
        DialogueState.SCHEDULED,
    }
)


class Dialogue(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dialogues"
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    assignment = models.TextField(
        _("assignment"), help_text=_("What the authority asks citizens about, and why.")
    )
    commissioned_by = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="dialogues",
        verbose_name=_("commissioned by"),
    )
    participation_level = models.CharField(
        _("participation level"), max_length=16, choices=ParticipationLevel.choices
    )
    open_to_influence = models.TextField(_("open to influence"))
    not_open_to_influence = models.TextField(_("not open to influence"), blank=True)
    input_handling = models.TextField(
        _("how input will be handled"),
        help_text=_("Who reads the contributions and how they are used in the decision."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    feedback_due = models.DateField(
        _("feedback promised by"), help_text=_("When participants will hear what came of it.")
    )
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    moderation_mode = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DialogueState.choices, default=DialogueState.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_dialogues",
        verbose_name=_("dialogue owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-opens_at"]
        indexes = [
            models.Index(fields=["state", "opens_at"]),
            models.Index(fields=["state", "closes_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="dialogue_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title


class DialogueEvent(models.Model):
    """Every change to a dialogue: creation, edits of the mission card, each state transition."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        TRANSITION = "transition", _("State changed")

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_state = models.CharField(max_length=20, choices=DialogueState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=DialogueState.choices, blank=True)
    # None means the clock did it (opening and closing at the announced times).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dialogue_id} {self.kind} {self.from_state}→{self.to_state}"


class PostStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED_UNREVIEWED = "published_unreviewed", _("Published, awaiting review")
    HELD = "held", _("Held for a closer look")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")
    REFERRED = "referred", _("Referred to customer service")


VISIBLE_STATUSES = (PostStatus.APPROVED, PostStatus.PUBLISHED_UNREVIEWED)
AWAITING_STATUSES = (PostStatus.PENDING, PostStatus.PUBLISHED_UNREVIEWED, PostStatus.HELD)


class PostChannel(models.TextChoices):
    """How a post reached the authority."""

    WEB = "web", _("Torget's website")
    OFFLINE = "offline", _("Typed in by staff")
    CHAT = "chat", _("Live chat")


class ThreadKind(models.TextChoices):
    CHAT = "chat", _("Live chat")


class Thread(models.Model):
    """A conversation beside a dialogue's own page that posts belong to: a live chat, and
    (issue "Social-media channels") a watched post on one of the authority's pages. The
    moderation queue is filtered and timed by thread; posts made on the dialogue's own page
    have none."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="threads")
    kind = models.CharField(max_length=16, choices=ThreadKind.choices)
    # Kept equal to the chat's (or watched post's) title by the action that changes it.
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class OfflineSource(models.TextChoices):
    """Where input that staff type in was received."""

    MEETING = "meeting", _("At a citizens' meeting")
    LETTER = "letter", _("By letter")
    PHONE = "phone", _("By telephone")
    EMAIL = "email", _("By e-mail")
    IN_PERSON = "in_person", _("In person")


class Post(models.Model):
    """One thing a citizen said to the authority, as they said it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=PostChannel.choices)
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="posts")
    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    reference = models.CharField(max_length=16, unique=True)
    # The web form's one-time token: a second submit of the same form finds this row again.
    # Input typed in by staff has none.
    submission_token = models.UUIDField(unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=80)
    text = models.TextField(_("contribution"))
    email = models.EmailField(_("e-mail"), blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    client_hash = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=24, choices=PostStatus.choices)
    screening = models.JSONField(default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)
    # When it was stored in Torget.
    created_at = models.DateTimeField()
    # Offline input: how and when the authority received it, and who typed it in.
    received_via = models.CharField(
        _("received"), max_length=16, choices=OfflineSource.choices, blank=True
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [
            # The public page reads published rows in order: walking this index avoids
            # sorting every row of a large dialogue for each page.
            models.Index(fields=["dialogue", "created_at", "id", "status"]),
            models.Index(fields=["status", "priority", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="offline", received_on__isnull=False)
                | ~models.Q(channel="offline"),
                name="offline_post_has_its_date",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_visible(self) -> bool:
        return self.status in VISIBLE_STATUSES

    @property
    def has_confirmed_email(self) -> bool:
        return bool(self.email and self.email_confirmed_at)


class FeedbackReport(models.Model):
    """What came in, how it was used and what was decided — published once, then fixed."""

    dialogue = models.OneToOneField(
        Dialogue, on_delete=models.PROTECT, related_name="feedback_report"
    )
    what_came_in = models.TextField(_("what came in"))
    how_it_was_used = models.TextField(_("how the input was used"))
    what_was_decided = models.TextField(_("what was decided"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feedback report")
        verbose_name_plural = _("feedback reports")

    def __str__(self) -> str:
        return f"{self.dialogue}"


class FeedbackNotice(models.Model):
    """One row per address told about a feedback report, so nobody is told twice."""

    report = models.ForeignKey(FeedbackReport, on_delete=models.PROTECT, related_name="notices")
    email = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "email"], name="feedback_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.email}"
