from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "styrhjul.demo"
    label = "demo"
    verbose_name = "Demokommun"
