from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "styrhjul.followup"
    label = "followup"
    verbose_name = "Uppföljning"

    def ready(self):
        # The plan file's result columns are follow-up's (planning.excel.extension).
        from styrhjul.planning.excel import extension

        from . import plan_results

        extension.register(plan_results)
