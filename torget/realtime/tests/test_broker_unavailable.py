"""When the broker cannot be reached, a new viewer is told so (503, try again later) instead
of waiting without an answer."""

from __future__ import annotations

import socket

import pytest
from asgiref.sync import sync_to_async
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import RequestFactory
from django.utils import translation
from pytest_django import Settings

from torget.realtime import hub as hub_module
from torget.realtime.hub import Hub
from torget.realtime.sse import sse_response
from torget.realtime.tests.conftest import with_hub


def test_a_viewer_is_told_to_come_back_when_the_broker_is_unreachable(
    transactional_db: None, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Redis broker whose server is not running
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.REALTIME_BROKER = "redis"
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    monkeypatch.setattr(hub_module, "BROKER_READY_SECONDS", 0.5)
    responses: list[HttpResponseBase] = []

    def connect() -> HttpResponseBase:
        # The view runs in the language the authority's middleware chose; here English.
        with translation.override("en"):
            return sse_response(RequestFactory().get("/live/chat-11/"), stream="chat-11")

    async def scenario(hub: Hub) -> None:
        # When a viewer connects
        responses.append(await sync_to_async(connect)())

    with_hub(scenario)

    # Then it gets a 503 that says to try again shortly
    response = responses[0]
    assert isinstance(response, HttpResponse)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.content.decode() == (
        "Live updates are unavailable right now. Reload the page in a moment."
    )
