from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "styrhjul.followup"
    label = "followup"
    verbose_name = "Uppföljning"

    def ready(self):
        # The plan file's result columns are follow-up's (planning.excel.extension).
        from styrhjul.planning import status
        from styrhjul.planning.excel import extension

        from . import item_status, plan_results

        extension.register(plan_results)
        # The latest reported status on the planning pages (planning.status).
        status.register(item_status.latest)
