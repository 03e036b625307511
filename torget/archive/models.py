"""The public-records archive: an append-only, hash-chained log of everything that came in and
everything staff did.

Each entry's ``canonical`` text is the exact JSON that was hashed; the indexed columns beside it
are copies for searching, and ``torget archive verify`` checks that they still agree. Personal
content (the citizen's text, name, e-mail, the raw payload) lives apart in ``ArchiveContent``,
so a disposal under the retention rules can remove it while the entry -- which keeps the
content's SHA-256 -- and the chain stay verifiable. The database refuses UPDATE and DELETE on
entries (triggers, see ``triggers.py``); content can only be deleted after a disposal row names it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation

GENESIS_HASH = "0" * 64


class EntryKind(models.TextChoices):
    CONTRIBUTION_RECEIVED = "contribution.received", _("Contribution received")
    DECISION = "moderation.decision", _("Moderation decision")
    DIALOGUE_CREATED = "dialogue.created", _("Dialogue created")
    DIALOGUE_EDITED = "dialogue.edited", _("Mission card edited")
    DIALOGUE_TRANSITION = "dialogue.transition", _("Dialogue state changed")
    FEEDBACK_SAVED = "feedback.saved", _("Feedback report saved")
    FEEDBACK_PUBLISHED = "feedback.published", _("Feedback report published")
    EXPORT = "archive.export", _("Archive export")
    DISPOSAL = "archive.disposal", _("Disposal under the retention rules")
    HOLD_PLACED = "archive.hold_placed", _("Hold placed")
    HOLD_RELEASED = "archive.hold_released", _("Hold released")
    REQUEST_REGISTERED = "records.request_registered", _("Request for public records registered")
    REQUEST_RELEASED = "records.released", _("Records released on request")
    SUBJECT_ACCESS = "records.subject_access", _("Data-subject access export")
    REVIEW_REQUESTED = "moderation.review_requested", _("Review requested by the author")
    REVIEW_DECIDED = "moderation.review_decided", _("Review decided")
    BLOCK_IMPOSED = "moderation.block_imposed", _("Participant blocked")
    BLOCK_ENDED = "moderation.block_ended", _("Block ended")
    THREAT_MARKED = "moderation.threat_marked", _("Marked as a threat")
    EVIDENCE_EXPORTED = "moderation.evidence_exported", _("Evidence exported for the police")
    CHAT_CREATED = "chat.created", _("Live chat created")
    CHAT_EDITED = "chat.edited", _("Live chat changed")
    CHAT_CLOSED = "chat.closed", _("Live chat closed")
    CHAT_QUESTION_RECEIVED = "chat.question_received", _("Chat question received")
    CHAT_STEP = "chat.step", _("Chat question handled")
    CHAT_ANSWER = "chat.answer", _("Chat answer written")
    RULES_PUBLISHED = "moderation.rules_published", _("Comment rules published")
    RETENTION_RULE_SAVED = "archive.retention_rule_saved", _("Retention rule saved")


class Channel(models.TextChoices):
    WEB = "web", _("Torget website")
    STAFF = "staff", _("Staff action")
    CHAT = "chat", _("Live chat")


class ChainHead(models.Model):
    """One row: the last sequence number and hash. Appenders lock it, so the chain is gapless
    and each entry names the one before it even when many transactions append at once."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class ArchiveEntry(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=40, choices=EntryKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    dialogue = models.ForeignKey(
        "dialogues.Dialogue", on_delete=models.PROTECT, null=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    subject_type = models.CharField(max_length=32, blank=True)
    subject_id = models.BigIntegerField(null=True)
    subject_ref = models.CharField(_("reference"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    content_sha256 = models.CharField(max_length=64, blank=True)
    canonical = models.TextField()
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive entries")
        ordering = ["seq"]
        indexes = [
            # With seq, a dated search finds its span of entry numbers from the index alone
            # (queries._seq_span); it serves everything (organisation, at) served.
            models.Index(fields=["organisation", "at", "seq"]),
            models.Index(fields=["dialogue", "at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["kind", "at"]),
            models.Index(fields=["subject_ref"]),
            models.Index(fields=["case_number"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class ArchiveContent(models.Model):
    """The personal content of one entry, kept apart so that disposal can remove it."""

    entry = models.OneToOneField(
        ArchiveEntry, on_delete=models.PROTECT, primary_key=True, related_name="content"
    )
    body = models.TextField()
    # Plain words for full-text search: the text and the display name, nothing else.
    search_text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"content of #{self.entry_id}"


class Disposal(models.Model):
    """A tombstone: the content of ``entry`` was removed by the action recorded in
    ``disposal_entry``. The content table's delete trigger looks for this row."""

    entry = models.OneToOneField(
        ArchiveEntry, on_delete=models.PROTECT, primary_key=True, related_name="disposal"
    )
    disposal_entry = models.ForeignKey(
        ArchiveEntry, on_delete=models.PROTECT, related_name="disposed"
    )

    def __str__(self) -> str:
        return f"#{self.entry_id} disposed by #{self.disposal_entry_id}"


class HoldReason(models.TextChoices):
    REQUEST = "request", _("Pending request for public records")
    REVIEW = "review", _("Pending request for review")
    POLICE = "police", _("Police report")


class Hold(models.Model):
    """Material that must not be disposed of while a request, a review or a police report is
    pending. A hold covers one item (subject) or, without a subject, a whole dialogue."""

    reason = models.CharField(_("reason"), max_length=16, choices=HoldReason.choices)
    dialogue = models.ForeignKey(
        "dialogues.Dialogue", on_delete=models.PROTECT, null=True, related_name="+"
    )
    subject_type = models.CharField(max_length=32, blank=True)
    subject_id = models.BigIntegerField(null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        indexes = [models.Index(fields=["subject_type", "subject_id", "released_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.subject_type}:{self.subject_id}"


class RetentionRule(models.Model):
    """How long the content of one kind of entry is kept before disposal, and on what basis
    (the authority's retention plan: DK bevarings- og kassationsbestemmelser, SE
    gallringsbeslut). Kinds without a rule are kept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="retention_rules"
    )
    kind = models.CharField(_("kind of entry"), max_length=40, choices=EntryKind.choices)
    keep_days = models.PositiveIntegerField(_("keep for (days)"))
    basis = models.CharField(_("basis in the retention plan"), max_length=300)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="retention_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.keep_days} days"


class RecordsRequest(models.Model):
    """A request for public records (DK aktindsigt, SE begäran om allmän handling) and the
    records officer's work on it: selected entries, redactions, releases."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="records_requests"
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    requester = models.CharField(_("requester"), max_length=200)
    requester_contact = models.CharField(_("requester's address or e-mail"), max_length=300)
    received_on = models.DateField(_("received"))
    scope = models.TextField(_("what is asked for"))
    deadline = models.DateField(_("answer by"))
    dialogue = models.ForeignKey(
        "dialogues.Dialogue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dialogue concerned"),
    )
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, null=True, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for public records")
        verbose_name_plural = _("requests for public records")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("records:detail", args=[self.pk])


class RequestItem(models.Model):
    """An archive entry the records officer selected for release."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(ArchiveEntry, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["entry_id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "entry"], name="request_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.entry_id}"


class ManualRedaction(models.Model):
    """A passage the records officer withholds from one field of one selected entry."""

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="redactions")
    field = models.CharField(max_length=16)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    ground = models.CharField(_("legal ground"), max_length=200)

    class Meta:
        ordering = ["item", "field", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="redaction_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field}[{self.start}:{self.end}]"


class Release(models.Model):
    """One export made for a request: what went out, when, by whom (also in the archive)."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.PROTECT, related_name="releases")
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entries = models.PositiveIntegerField()
    redacted_automatically = models.BooleanField()
    folder = models.CharField(max_length=500)
    archive_entry = models.OneToOneField(
        ArchiveEntry, on_delete=models.PROTECT, related_name="release"
    )

    class Meta:
        ordering = ["-released_at"]

    def __str__(self) -> str:
        return f"{self.request} {self.released_at:%Y-%m-%d}"
