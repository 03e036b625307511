from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "torget.accounts"
    label = "accounts"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        from torget.accounts.models import Organisation
        from torget.accounts.queries import forget_current_organisation

        for signal in (post_save, post_delete):
            signal.connect(
                forget_current_organisation, sender=Organisation, dispatch_uid="organisation-cache"
            )
