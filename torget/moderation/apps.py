from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "torget.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from torget.moderation.models import RuleSet
        from torget.moderation.queries import forget_max_length

        for signal in (post_save, post_delete):
            signal.connect(forget_max_length, sender=RuleSet, dispatch_uid="rule-set-max-length")
