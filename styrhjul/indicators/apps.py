from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "styrhjul.indicators"
    label = "indicators"
    verbose_name = "Nyckeltal"

    def ready(self):
        # The plan file's sheet Uppdelningar is the indicators' (planning.excel.extension).
        from styrhjul.planning.excel import extension

        from . import plan_sheet

        extension.register_breakdowns(plan_sheet)
