"""Test-only views for test_asgi: each tells which thread it ran on."""

from __future__ import annotations

import threading

from django.http import HttpRequest, HttpResponse
from django.urls import path


def sync_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(threading.get_ident()))


async def async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(threading.get_ident()))


urlpatterns = [
    path("sync/", sync_view),
    path("async/", async_view),
]
