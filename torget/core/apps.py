from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "torget.core"
    label = "core"
