"""The authority, its parties and committees, and the people who work in Torget."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    DENMARK = "DK", _("Denmark")
    SWEDEN = "SE", _("Sweden")


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class AuthorityTimeZone(models.TextChoices):
    COPENHAGEN = "Europe/Copenhagen", _("Europe/Copenhagen")
    STOCKHOLM = "Europe/Stockholm", _("Europe/Stockholm")


class Organisation(models.Model):
    """The authority (municipality or region) that runs this Torget."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=Language.choices
    )
    time_zone = models.CharField(_("time zone"), max_length=40, choices=AuthorityTimeZone.choices)
    address = models.TextField(_("postal address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    customer_service_email = models.EmailField(
        _("customer service e-mail"),
        help_text=_("Service requests that moderators refer are sent here."),
    )
    customer_service_name = models.CharField(
        _("customer service name"), max_length=200, default="Borgerservice"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Party(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="parties")
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=10)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="party_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Committee(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="committees"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="committee_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    DIALOGUE_OWNER = "dialogue_owner", _("Dialogue owner")
    MODERATOR = "moderator", _("Moderator")
    POLITICIAN = "politician", _("Politician")
    RECORDS_OFFICER = "records_officer", _("Records officer")


# Roles whose sign-in needs a second factor: they see unpublished posts and personal data.
SECOND_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.MODERATOR, Role.RECORDS_OFFICER})


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    committees = models.ManyToManyField(Committee, blank=True, related_name="members")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    @property
    def roles(self) -> frozenset[str]:
        """The roles this person holds; read once per object."""
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            if self.pk is None or not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


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
