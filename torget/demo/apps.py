from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "torget.demo"
    label = "demo"
