from __future__ import annotations

from django.urls import path

from torget.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("second-factor/", views.second_factor, name="second-factor"),
    path("sign-out/", views.sign_out, name="logout"),
]
