"""Published, versioned comment rules and the moderators' decisions that cite them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation
from torget.dialogues.models import Contribution

DEFAULT_MAX_LENGTH_FALLBACK = 2000


class RuleSet(models.Model):
    """One published version of an authority's comment rules. Never edited: a change is a new
    version, so every decision can say exactly which wording it applied."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rule_sets"
    )
    version = models.PositiveIntegerField()
    max_length = models.PositiveIntegerField(_("longest contribution (characters)"), default=2000)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="rule_set_version")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"


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


class Decision(models.Model):
    """A moderator's decision on a contribution. Rows are only ever added."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="decisions"
    )
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
