"""Live moderated chats: a time window under a dialogue, a panel of politicians, and the
citizens' questions with their answers.

A question is a citizen's post (``dialogues.Post``, channel "chat") with what only a chat has
beside it: the chat, the politician it is handed to, upvotes, and where it stands in the chat
(``Question.status``). Its moderation -- approval, rejection citing rules, referral, threat
marks, blocks, review -- is moderation's, the same as for every post
(docs/decisions/0004-one-post-one-moderation.md). Every step in the chat (assignment, answer,
publication, "not reached" at the close) adds a ``QuestionStep`` row and an archive entry.
Answers are versions: a returned answer is followed by a new row, never overwritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Party
from torget.dialogues.models import Dialogue, Post, Thread

DEFAULT_QUESTION_MAX_LENGTH = 500
# Seats of people taken off the panel after questions were handed to them stay, for the
# record, at positions from here on; they no longer count as panel members.
RETIRED_SEAT_POSITION = 1000


def public_stream_name(chat_pk: int) -> str:
    return f"chat-{chat_pk}"


class ChatSession(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="chat_sessions")
    # What the moderation queue files the chat's questions under.
    thread = models.OneToOneField(Thread, on_delete=models.PROTECT, related_name="chat")
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("about the chat"),
        blank=True,
        help_text=_("What the chat is about, shown above the questions."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    question_max_length = models.PositiveIntegerField(
        _("longest question (characters)"), default=DEFAULT_QUESTION_MAX_LENGTH
    )
    answers_reviewed = models.BooleanField(
        _("a moderator reviews each answer before it is published"), default=False
    )
    upvotes_enabled = models.BooleanField(
        _("viewers can support questions waiting for an answer"), default=False
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="moderated_chats", verbose_name=_("moderators")
    )
    # Set once, when the clock closes the chat and marks unanswered questions "not reached".
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("live chat")
        verbose_name_plural = _("live chats")
        ordering = ["-opens_at", "pk"]
        indexes = [models.Index(fields=["closed_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="chat_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(question_max_length__gte=1),
                name="chat_question_length_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_stream(self) -> str:
        return public_stream_name(self.pk)

    @property
    def staff_stream(self) -> str:
        return f"chat-{self.pk}-staff"


class PanelSeat(models.Model):
    """A politician on the panel, with the party they sit for in this chat."""

    session = models.ForeignKey(ChatSession, on_delete=models.PROTECT, related_name="seats")
    politician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "politician"], name="one_seat_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.politician_id}"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved, not yet assigned")
    ASSIGNED = "assigned", _("Assigned to a politician")
    ANSWERED = "answered", _("Answered, awaiting review")
    PUBLISHED = "published", _("Published with its answer")
    REJECTED = "rejected", _("Not published")
    REFERRED = "referred", _("Referred to customer service")
    NOT_REACHED = "not_reached", _("Not reached before the chat closed")


# Still waiting for something: the close marks these "not reached".
OPEN_STATUSES = (
    QuestionStatus.PENDING,
    QuestionStatus.APPROVED,
    QuestionStatus.ASSIGNED,
)
# Nothing more will happen to these.
DONE_STATUSES = (
    QuestionStatus.PUBLISHED,
    QuestionStatus.REJECTED,
    QuestionStatus.REFERRED,
    QuestionStatus.NOT_REACHED,
)


class Question(models.Model):
    """A chat's side of a citizen's post: the post holds what the citizen wrote and its
    moderation; this holds where the question stands in the chat."""

    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="question")
    session = models.ForeignKey(ChatSession, on_delete=models.PROTECT, related_name="questions")
    status = models.CharField(max_length=16, choices=QuestionStatus.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_questions",
    )
    upvotes = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["session", "published_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.reference

    # What the citizen wrote, read from the post (load it with ``select_related("post")``).

    @property
    def reference(self) -> str:
        return self.post.reference

    @property
    def display_name(self) -> str:
        return self.post.display_name

    @property
    def text(self) -> str:
        return self.post.text

    @property
    def language(self) -> str:
        return self.post.language

    @property
    def screening(self) -> dict[str, Any]:
        screening: dict[str, Any] = self.post.screening
        return screening

    @property
    def priority(self) -> int:
        return self.post.priority

    @property
    def created_at(self) -> datetime:
        return self.post.created_at


class Answer(models.Model):
    """One version of a politician's answer. The newest version is the one that counts."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["question", "written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id} by {self.author_id}"


class StepKind(models.TextChoices):
    """What happens to a question in the chat; its moderation is a moderation decision."""

    ASSIGN = "assign", _("Assigned")
    ANSWER = "answer", _("Answered")
    PUBLISH = "publish", _("Published")
    RETURN = "return", _("Answer returned to the politician")
    NOT_REACHED = "not_reached", _("Not reached")


class QuestionStep(models.Model):
    """Who did what to a question in the chat, when and why. Rows are only added."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    # None: the clock (closing the chat).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id} {self.kind}"


class Upvote(models.Model):
    """One viewer's support for a waiting question; the voter is a keyed hash of a cookie."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    voter = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "voter"], name="one_upvote_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} +1"
