from __future__ import annotations

from django.urls import path

from torget.moderation import views

app_name = "rules"

urlpatterns = [
    path("", views.rules_page, name="page"),
    # The author's request for review, from the signed link in a decision notice.
    path("review/<str:token>/", views.request_review, name="review"),
]
