"""Published, versioned comment rules, the moderators' decisions that cite them, and what
follows a decision: reviews, blocks and threats against politicians."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation
from torget.archive.models import Hold
from torget.dialogues.models import Dialogue, Post


class RuleSet(models.Model):
    """One version of an authority's comment rules. A draft (no ``published_at``) is edited by
    administrators; a published version is never edited again, so every decision can say
    exactly which wording it applied. The version in force at a moment is the published one
    whose ``in_force_from`` is the latest at or before it (``queries.rule_set_in_force``)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rule_sets"
    )
    version = models.PositiveIntegerField()
    max_length = models.PositiveIntegerField(_("longest contribution (characters)"), default=2000)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="rule_set_version"),
            models.CheckConstraint(
                condition=(
                    models.Q(published_at__isnull=True, in_force_from__isnull=True)
                    | models.Q(published_at__isnull=False, in_force_from__isnull=False)
                ),
                name="rule_set_published_with_start",
            ),
            # One draft at a time: the next version is worked on in one place.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(published_at__isnull=True),
                name="rule_set_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules")
    # Stable across versions: decisions and statistics refer to rules by code.
    code = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField()
    title_da = models.CharField(max_length=200)
    title_sv = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    text_da = models.TextField()
    text_sv = models.TextField()
    text_en = models.TextField()
    # Offences under the Swedish BBS-lagen § 5 are handled first.
    priority_offence = models.BooleanField(default=False)

    class Meta:
        ordering = ["rule_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def _localised(self, field: str) -> str:
        language = (get_language() or "da")[:2]
        if language not in {"da", "sv", "en"}:
            language = "en"
        value: str = getattr(self, f"{field}_{language}")
        return value

    @property
    def title(self) -> str:
        return self._localised("title")

    @property
    def text(self) -> str:
        return self._localised("text")


class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    REFER = "refer", _("Referred to customer service")
    # Taken out of public view (or kept out of it) while a moderator finds out more -- asks a
    # colleague, a lawyer, the police. Not a decision on the post: it stays in the queue.
    HOLD = "hold", _("Held for a closer look")


class Decision(models.Model):
    """A moderator's decision on a contribution. Rows are only ever added."""

    contribution = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=8, choices=DecisionKind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    decided_at = models.DateTimeField()
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="decisions")
    rules = models.ManyToManyField(Rule, blank=True, related_name="decisions")
    note = models.TextField(blank=True)
    referred_to = models.EmailField(blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contribution} {self.kind}"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    OVERTURNED = "overturned", _("Overturned")


class ReviewRequest(models.Model):
    """The author asks that another moderator look at a decision again (DK genoptagelse,
    SE omprövning). One per decision. The outcome is added once; an overturn is a new
    ``Decision``, so the decision under review stays exactly as it was made."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="review")
    contribution = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="review_requests")
    reason = models.TextField(_("why the author asks for a review"))
    requested_at = models.DateTimeField()
    # Keeps the contribution and its history from disposal until the review is decided.
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, related_name="overturning_review"
    )

    class Meta:
        verbose_name = _("request for review")
        verbose_name_plural = _("requests for review")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="", decided_at__isnull=True)
                    | (~models.Q(outcome="") & models.Q(decided_at__isnull=False))
                ),
                name="review_outcome_with_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contribution} review"

    @property
    def is_pending(self) -> bool:
        return not self.outcome


# Restricting contact must be proportionate and time-limited; a longer restriction is a new
# decision with fresh reasons when this one runs out (Ombudsman, FOB 2014-5).
MAX_BLOCK_DAYS = 90


class BlockScope(models.TextChoices):
    DIALOGUE = "dialogue", _("This dialogue only")
    ORGANISATION = "organisation", _("All of the authority's dialogues")


class Block(models.Model):
    """A decision restricting one participant's contact with the authority through Torget.

    Treated as an afgørelse-like decision (Ombudsman, Myndighedsguiden #18): reasons citing
    published rules, a scope, an end, how contact is restored and where to complain, all told
    to the person in writing. The participant is the holder of a confirmed e-mail address
    (see docs/user-guide.md for why not the connection). A block is in force only while
    ``now < ends_at`` and it has not been lifted, so it ends by itself without any job.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope"), max_length=16, choices=BlockScope.choices)
    # Set only for a block limited to one dialogue.
    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, null=True, related_name="+")
    contribution = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="blocks")
    # Lower-cased, so that the same address in other capitals is the same person.
    email = models.EmailField()
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    rules = models.ManyToManyField(Rule, related_name="+")
    reasons = models.TextField(_("reasons"))
    ends_at = models.DateTimeField(_("ends"))
    restoration = models.TextField(_("how contact is restored"))
    complaint = models.TextField(_("where to complain"))
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imposed_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    # When the end (lifted or run out) was written to the archive; keeps `tick` idempotent.
    end_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-imposed_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "email", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("imposed_at")),
                name="block_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(scope="dialogue", dialogue__isnull=False)
                    | models.Q(scope="organisation", dialogue__isnull=True)
                ),
                name="block_scope_names_its_dialogue",
            ),
        ]

    def __str__(self) -> str:
        return f"block {self.pk} until {self.ends_at:%Y-%m-%d}"

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and self.imposed_at <= now < self.ends_at


class ThreatMark(models.Model):
    """A moderator's finding that a post threatens a named politician. The post jumps the
    queue, a police hold keeps it, and the politician sees its text only by choosing to."""

    contribution = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="threat_marks")
    politician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threats_against"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()
    note = models.TextField(_("note"), blank=True)
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("threat")
        verbose_name_plural = _("threats")
        ordering = ["-marked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "politician"], name="threat_once_per_politician"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contribution} → {self.politician_id}"


class ThreatDisclosure(models.Model):
    """Each time the threatened politician chose to see the text."""

    threat = models.ForeignKey(ThreatMark, on_delete=models.PROTECT, related_name="disclosures")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.threat_id} seen {self.at:%Y-%m-%d %H:%M}"
