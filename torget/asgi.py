"""ASGI entry point. Static files are served by the app itself so `torget serve` needs no proxy."""

from __future__ import annotations

import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")

application = ASGIStaticFilesHandler(get_asgi_application())
