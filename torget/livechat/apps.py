from __future__ import annotations

from django.apps import AppConfig


class LivechatConfig(AppConfig):
    name = "torget.livechat"
    verbose_name = "Live chat"
