from __future__ import annotations

from django.urls import path

from torget.site import views

app_name = "site"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("was/", views.was_statement, name="was"),
]
