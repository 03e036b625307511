"""Administration of the authority, its parties, committees and people (superusers only,
behind the same second factor as other staff: see torget/urls.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models

from torget.accounts.models import (
    AccessibilityStatement,
    Committee,
    Country,
    Organisation,
    Party,
    RoleGrant,
    User,
)

# A web address typed without a scheme is taken as https:// (Django 6.0's default too).
URLS_ASSUME_HTTPS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["name", "country", "default_language", "time_zone"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin[Party]):
    list_display = ["name", "abbreviation", "organisation"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin[Committee]):
    list_display = ["name", "organisation"]


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 1


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    inlines = [RoleGrantInline]
    list_display = ["username", "first_name", "last_name", "organisation", "party", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Torget", {"fields": ("organisation", "party", "committees")}),
    )


# The authority's accessibility statement is edited here by its administrators.
@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin[AccessibilityStatement]):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["organisation", "compliance", "updated_on", "assessed_on"]
    fieldsets = (
        (None, {"fields": ("organisation", "compliance")}),
        (None, {"fields": ("known_defects", "disproportionate_burden", "assessment_method")}),
        (None, {"fields": ("feedback_email", "feedback_phone", "defect_report_url")}),
        (Country.DENMARK.label, {"fields": ("was_tool_url",)}),
        (None, {"fields": ("prepared_on", "updated_on", "assessed_on")}),
    )
