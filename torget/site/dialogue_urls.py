"""The dialogues' addresses: their own pages and those that combine them with moderation."""

from __future__ import annotations

from django.urls import path

from torget.dialogues import views
from torget.site import dialogue_views

app_name = "dialogues"

urlpatterns = [
    path("", views.dialogue_list, name="list"),
    path("d/<slug:slug>/", dialogue_views.dialogue_detail, name="detail"),
    path("d/<slug:slug>/contribute/", dialogue_views.contribute, name="contribute"),
    path("receipt/<str:reference>/", views.receipt, name="receipt"),
    path("confirm-email/<str:token>/", views.confirm_email, name="confirm-email"),
    path("staff/", dialogue_views.staff_dashboard, name="staff-dashboard"),
    path("staff/dialogues/new/", views.dialogue_create, name="staff-create"),
    path("staff/dialogues/<int:pk>/", views.dialogue_staff_detail, name="staff-detail"),
    path("staff/dialogues/<int:pk>/edit/", views.dialogue_edit, name="staff-edit"),
    path("staff/dialogues/<int:pk>/feedback/", views.feedback_edit, name="staff-feedback"),
    path("staff/dialogues/<int:pk>/offline/", dialogue_views.offline_input, name="staff-offline"),
    path(
        "staff/dialogues/<int:pk>/<str:move>/",
        views.dialogue_transition,
        name="staff-transition",
    ),
]
