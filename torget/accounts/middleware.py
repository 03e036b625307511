"""Resolve the authority for each request and show Torget in its language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from torget.accounts.queries import current_organisation

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class AuthorityMiddleware:
    """The visitor's explicit choice (the language switch cookie) wins; otherwise the
    authority's default language is used, not the browser's, so a Danish municipality's site
    is Danish unless someone asks for another language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        organisation = current_organisation()
        request.organisation = organisation  # type: ignore[attr-defined]
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in SUPPORTED_LANGUAGES:
            language = chosen
        elif organisation is not None:
            language = organisation.default_language
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        zone = organisation.time_zone if organisation else settings.TIME_ZONE
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
