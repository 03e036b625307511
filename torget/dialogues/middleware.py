"""Let the clock open and close dialogues and live chats without anyone pressing a button."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from torget.dialogues.actions import advance_dialogues
from torget.livechat.actions import close_due_chats

# Two cheap indexed queries at most this often per process. Accepting contributions and
# questions does not depend on it (both check the announced times themselves); the displayed
# state and the chats' "not reached" marks do.
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
            close_due_chats()
        return self.get_response(request)
