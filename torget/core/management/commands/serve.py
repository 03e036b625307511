"""`torget serve`: Torget over ASGI with uvicorn (needed for server-sent events)."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# On shutdown, requests in flight get this long to finish. Live responses never end by
# themselves: each worker's hub ends them as soon as the stop signal arrives
# (torget/realtime/hub.py), and the browsers reconnect with Last-Event-ID to whichever server
# answers next.
GRACEFUL_SHUTDOWN_SECONDS = 5
# With --workers, the supervisor restarts a worker that does not answer its ping in time.
# uvicorn's 5 s is too short for a worker that is busy writing to thousands of viewers on a
# loaded machine: killed mid-broadcast, it cuts every one of its viewers, who then all
# reconnect at once. A worker that is really stuck is still replaced.
WORKER_HEALTHCHECK_SECONDS = 60
# Connections waiting to be accepted. After a restart every browser reconnects at once; the
# kernel caps this at net.core.somaxconn (4096 on Debian).
LISTEN_BACKLOG = 4096


class Command(BaseCommand):
    help = "Serve Torget over ASGI (uvicorn). Host and port default to 127.0.0.1 and $PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        base = f"http://{host}:{port}"
        if workers > 1 and settings.REALTIME_BROKER == "inprocess":
            self.stderr.write(
                f"Warning: with --workers {workers} and REALTIME_BROKER=inprocess, a live event "
                "reaches only the viewers of the worker that published it. Set "
                "REALTIME_BROKER=postgres (or redis) for several workers."
            )
        self.stdout.write(f"Torget is serving on {base}/")
        self.stdout.write(f"  public pages: {base}/   staff sign-in: {base}/staff/account/sign-in/")
        self.stdout.write("  stop with Ctrl+C")
        uvicorn.run(
            "torget.asgi:application",
            host=host,
            port=port,
            workers=workers,
            # No lifespan: each worker's live-update hub starts with its first viewer.
            lifespan="off",
            log_level="info" if settings.DEBUG else "warning",
            proxy_headers=True,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            backlog=LISTEN_BACKLOG,
        )
