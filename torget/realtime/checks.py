"""`torget check` (and so `torget serve`) refuses a broker that cannot work here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from torget.realtime.broker import get_broker


@checks.register()
def broker_fits_the_installation(
    *,
    app_configs: Sequence[AppConfig] | None,
    databases: Sequence[str] | None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    try:
        get_broker()
    except ImproperlyConfigured as problem:
        return [checks.Error(str(problem), id="realtime.E001")]
    return []
