"""Administration of the authority, its parties, committees and people (superusers only,
behind the same second factor as other staff: see torget/urls.py)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from torget.accounts.models import (
    AccessibilityStatement,
    Committee,
    Country,
    Organisation,
    Party,
    RoleGrant,
    User,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
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
    list_display = ["organisation", "compliance", "updated_on", "assessed_on"]
    fieldsets = (
        (None, {"fields": ("organisation", "compliance")}),
        (None, {"fields": ("known_defects", "disproportionate_burden", "assessment_method")}),
        (None, {"fields": ("feedback_email", "feedback_phone", "defect_report_url")}),
        (Country.DENMARK.label, {"fields": ("was_tool_url",)}),
        (None, {"fields": ("prepared_on", "updated_on", "assessed_on")}),
    )
