from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: the URLs, the clock's command and the pages that combine apps
    (docs/decisions/0004-one-post-one-moderation.md)."""

    name = "torget.site"
    label = "site"
    verbose_name = "Site"
