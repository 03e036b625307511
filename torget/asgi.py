"""ASGI entry point. Static files are served by the app itself so `torget serve` needs no proxy."""

from __future__ import annotations

import os

import django
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
django.setup(set_prefix=False)

from torget.core.asgi import TorgetASGIHandler  # noqa: E402  (needs the apps loaded)

application = ASGIStaticFilesHandler(TorgetASGIHandler())
