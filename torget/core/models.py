"""Site-wide facts an authority must publish about its Torget, kept beside the organisation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from torget.accounts.models import Organisation


class Compliance(models.TextChoices):
    # The three levels of the EU model statement (implementing decision 2018/1523), which both
    # WAS-Tool and the Swedish tillgänglighetsredogörelse use.
    FULL = "full", _("Fully compliant")
    PARTIAL = "partial", _("Partially compliant")
    NONE = "none", _("Not compliant")


class AccessibilityStatement(models.Model):
    """What the authority states about this site's accessibility (DK webtilgængelighedsloven § 4;
    SE lag 2018:1937, the DOS-lagen). Denmark's binding statement must be made in WAS-Tool, so
    the page here summarises it and links to it; in Sweden the page is the redogörelse itself."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="accessibility_statement",
        verbose_name=_("organisation"),
    )
    compliance = models.CharField(
        _("compliance status"),
        max_length=8,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
        help_text=_("How far the site meets WCAG 2.1 level AA (EN 301 549)."),
    )
    known_defects = models.TextField(
        _("content that is not accessible, and why"),
        blank=True,
        help_text=_("One item per line: what does not work, for whom, and when it is fixed."),
    )
    disproportionate_burden = models.TextField(
        _("exempt as a disproportionate burden"),
        blank=True,
        help_text=_("One item per line, with the reason. Leave empty if nothing is exempted."),
    )
    assessment_method = models.TextField(
        _("how the authority assessed the site"),
        blank=True,
        help_text=_("For example a self-assessment, an external audit, or user testing."),
    )
    was_tool_url = models.URLField(
        _("statement in WAS-Tool"),
        blank=True,
        help_text=_("Denmark: the statement's address at was.digst.dk."),
    )
    feedback_email = models.EmailField(_("e-mail for accessibility feedback"))
    feedback_phone = models.CharField(
        _("telephone for accessibility feedback"),
        max_length=40,
        blank=True,
        help_text=_("Required in Denmark, together with written contact."),
    )
    defect_report_url = models.URLField(
        _("form for reporting defects"),
        blank=True,
        help_text=_("Optional: a web form; without it, reports go to the e-mail address."),
    )
    prepared_on = models.DateField(_("statement prepared on"))
    updated_on = models.DateField(
        _("statement last updated on"), help_text=_("Update at least once a year.")
    )
    assessed_on = models.DateField(_("site last assessed on"))

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def known_defect_lines(self) -> list[str]:
        return _lines(self.known_defects)

    @property
    def disproportionate_burden_lines(self) -> list[str]:
        return _lines(self.disproportionate_burden)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
