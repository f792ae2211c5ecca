from django.apps import AppConfig


class ModelConfig(AppConfig):
    name = "styrhjul.model"
    label = "model"
    verbose_name = "Styrmodell"
