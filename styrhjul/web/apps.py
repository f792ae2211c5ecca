from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "styrhjul.web"
    label = "web"
    verbose_name = "Webb"
