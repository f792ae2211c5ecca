from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "styrhjul.api"
    label = "api"
    verbose_name = "API"
