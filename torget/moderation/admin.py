"""An authority created in the Django admin gets its first comment rules at once.

Organisations belong to accounts, which sits below moderation and may not know about rule
sets; so moderation takes over the admin page for organisations and adds what it needs, the
same action the demo builder and the test fixtures call."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from torget.accounts.admin import OrganisationAdmin
from torget.accounts.models import Organisation
from torget.moderation.rule_actions import publish_default_rule_set


class OrganisationWithRulesAdmin(OrganisationAdmin):
    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            publish_default_rule_set(organisation=obj)


admin.site.unregister(Organisation)
admin.site.register(Organisation, OrganisationWithRulesAdmin)
