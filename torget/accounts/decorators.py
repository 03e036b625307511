"""View guards for staff pages: signed in, holding a role, second factor passed if needed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect

from torget.accounts.http import StaffRequest
from torget.accounts.permissions import (
    has_passed_second_factor,
    is_staff_member,
    requires_second_factor,
)

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def staff_required(
    view: Callable[Concatenate[StaffRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R | HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if requires_second_factor(user) and not has_passed_second_factor(user):
            return redirect("accounts:second-factor")
        if not is_staff_member(user) or getattr(request, "organisation", None) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)  # type: ignore[arg-type]

    return cast(Callable[Concatenate[HttpRequest, P], R | HttpResponse], wrapper)
