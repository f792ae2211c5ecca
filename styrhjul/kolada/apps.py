from django.apps import AppConfig


class KoladaConfig(AppConfig):
    name = "styrhjul.kolada"
    verbose_name = "Kolada"
    default_auto_field = "django.db.models.BigAutoField"
