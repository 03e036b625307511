from __future__ import annotations

from django.urls import path

from torget.moderation import views

app_name = "rules"

urlpatterns = [path("", views.rules_page, name="page")]
