from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "styrhjul.core"
    label = "core"
    verbose_name = "Kärnan"
