"""Staff sign-in: password, then a TOTP code for the roles that need one; throttled."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from torget.accounts import actions
from torget.accounts.forms import CodeForm, SignInForm
from torget.accounts.permissions import has_passed_second_factor, requires_second_factor
from torget.core.clients import attempts_so_far, client_hash, hit_rate_limit, reset_rate_limit


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _locked_out(keys: list[str]) -> bool:
    return any(
        attempts_so_far(scope="login", key=key) >= settings.LOGIN_FAILURE_LIMIT for key in keys
    )


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "next": _next_url(request)}
    if request.method != "POST":
        return render(request, "accounts/sign_in.html", context)
    if not form.is_valid():
        return render(request, "accounts/sign_in.html", context, status=400)
    username = form.cleaned_data["username"].strip().lower()
    keys = [f"user:{username}", f"client:{client_hash(request)}"]
    minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
    if _locked_out(keys):
        context["locked_minutes"] = minutes
        return render(request, "accounts/sign_in.html", context, status=429)
    user = authenticate(
        request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
    )
    if user is None:
        for key in keys:
            hit_rate_limit(
                scope="login",
                key=key,
                limit=settings.LOGIN_FAILURE_LIMIT,
                window_seconds=settings.LOGIN_LOCKOUT_SECONDS,
            )
        form.add_error(None, _("The user name or password is not right."))
        return render(request, "accounts/sign_in.html", context, status=400)
    for key in keys:
        reset_rate_limit(scope="login", key=key)
    login(request, user)
    if requires_second_factor(user):
        request.session["after_second_factor"] = context["next"]
        return redirect("accounts:second-factor")
    return redirect(context["next"])


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code, or enrol an authenticator app first when the person has none."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if has_passed_second_factor(user):
        return redirect(request.session.get("after_second_factor", settings.LOGIN_REDIRECT_URL))
    device = actions.confirmed_totp_device(user=user)
    enrolling = device is None
    if device is None:
        device = actions.pending_totp_device(user=user)
    form = CodeForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["secret"] = _base32(device.bin_key)
        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/second_factor.html", context, status=400)
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes. Wait a moment and try again."))
            return render(request, "accounts/second_factor.html", context, status=429)
        if device.verify_token(form.cleaned_data["code"].strip()):
            if enrolling:
                actions.confirm_totp_device(device=device)
            otp_login(request, device)
            return redirect(request.session.pop("after_second_factor", settings.LOGIN_REDIRECT_URL))
        form.add_error("code", _("That code is not right, or it has expired."))
        return render(request, "accounts/second_factor.html", context, status=400)
    return render(request, "accounts/second_factor.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")
