from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from torget.moderation.transparency import transparency as transparency_page

# The Django admin asks for the same TOTP code as every other staff page.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("torget.site.dialogue_urls")),
    path("", include("torget.livechat.urls")),
    path("", include("torget.site.urls")),
    path("transparency/", transparency_page, name="transparency"),
    path("rules/", include("torget.moderation.urls")),
    path("staff/moderation/", include("torget.moderation.staff_urls")),
    path("staff/account/", include("torget.accounts.urls")),
    path("staff/records/", include("torget.site.records.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("django-admin/", admin.site.urls),
]
