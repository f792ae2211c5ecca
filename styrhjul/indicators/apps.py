from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "styrhjul.indicators"
    label = "indicators"
    verbose_name = "Nyckeltal"
