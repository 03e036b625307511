from __future__ import annotations

from django.urls import path

from torget.core import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("was/", views.was_statement, name="was"),
]
