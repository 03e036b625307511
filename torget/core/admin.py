"""The authority's accessibility statement is edited here by its administrators (superusers,
behind the second factor: see torget/urls.py)."""

from __future__ import annotations

from django.contrib import admin

from torget.accounts.models import Country
from torget.core.models import AccessibilityStatement


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
