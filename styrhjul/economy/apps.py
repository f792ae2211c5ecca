from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "styrhjul.economy"
    verbose_name = "Ekonomi"
    default_auto_field = "django.db.models.BigAutoField"
