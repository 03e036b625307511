"""`torget serve`: Torget over ASGI with uvicorn (needed for server-sent events)."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Torget over ASGI (uvicorn). Host and port default to 127.0.0.1 and $PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        base = f"http://{host}:{port}"
        self.stdout.write(f"Torget is serving on {base}/")
        self.stdout.write(f"  public pages: {base}/   staff sign-in: {base}/staff/account/sign-in/")
        self.stdout.write("  stop with Ctrl+C")
        uvicorn.run(
            "torget.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            log_level="info" if settings.DEBUG else "warning",
            proxy_headers=True,
        )
