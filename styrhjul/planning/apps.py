from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "styrhjul.planning"
    label = "planning"
    verbose_name = "Planering"
