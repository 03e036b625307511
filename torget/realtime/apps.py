from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "torget.realtime"
    label = "realtime"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        from torget.realtime import checks  # noqa: F401 - registers the system check
