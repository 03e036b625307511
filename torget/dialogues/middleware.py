"""Let the clock open and close dialogues without anyone pressing a button."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from torget.dialogues.actions import advance_dialogues

# One cheap indexed query at most this often per process; contribution acceptance does not
# depend on it (it checks the announced times itself), only the displayed state does.
CLOCK_INTERVAL_SECONDS = 5.0


class ClockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.last_tick = float("-inf")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.monotonic()
        if now - self.last_tick >= CLOCK_INTERVAL_SECONDS:
            self.last_tick = now
            advance_dialogues()
        return self.get_response(request)
