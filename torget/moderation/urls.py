from __future__ import annotations

from django.urls import path

from torget.moderation import rule_views, views

app_name = "rules"

urlpatterns = [
    path("", rule_views.rules_page, name="page"),
    # Every published version stays readable here for good.
    path("v<int:version>/", rule_views.rules_version, name="version"),
    # The author's request for review, from the signed link in a decision notice.
    path("review/<str:token>/", views.request_review, name="review"),
]
