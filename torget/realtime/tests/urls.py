"""Test-only endpoints, used through ``pytest.mark.urls`` and by the test servers' settings.
The live chat's views call ``sse_response`` the same way."""

from __future__ import annotations

import os

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from torget.realtime.actions import publish
from torget.realtime.sse import sse_response


def live(request: HttpRequest, stream: str) -> HttpResponseBase:
    response = sse_response(request, stream=stream)
    # Lets a test tell which worker process is serving which viewer.
    response["X-Worker-Pid"] = str(os.getpid())
    return response


@csrf_exempt
@require_POST
def publish_here(request: HttpRequest, stream: str) -> JsonResponse:
    """Publish from inside the serving process, as an action in a view would."""
    with transaction.atomic():
        event = publish(
            stream=stream,
            kind="test.note",
            payload={"note": request.POST.get("note", ""), "pid": os.getpid()},
        )
    return JsonResponse({"seq": event.seq, "pid": os.getpid()})


def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"pid": os.getpid()})


urlpatterns = [
    path("live/<str:stream>/", live),
    path("publish/<str:stream>/", publish_here),
    path("ping/", ping),
]
