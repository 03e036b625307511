"""ASGI entry point for `torget serve`.

Django serves every page through its WSGI handler, on a pool of threads as a WSGI server
would run it (``a2wsgi``): each request is handed to a thread once, and the middleware, the
view and the request signals all run there. In front of it, the live layer holds the live
streams' connections on the event loop (``torget.realtime.asgi``), and static files are
served by the app itself, so `torget serve` needs no proxy.
"""

from __future__ import annotations

import os
from typing import Any, cast

from a2wsgi import WSGIMiddleware
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
django_application = StaticFilesHandler(get_wsgi_application())

from torget.realtime.asgi import LiveStreams  # noqa: E402  (needs the apps loaded)

# Requests served at once by one worker process; more wait for a free thread.
REQUEST_THREADS = 32

# (django-stubs types a WSGI handler's answer as a response, which is an iterable of bytes.)
application = LiveStreams(WSGIMiddleware(cast(Any, django_application), workers=REQUEST_THREADS))
