from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "styrhjul.followup"
    label = "followup"
    verbose_name = "Uppföljning"

    def ready(self):
        # The plan file's result columns are follow-up's (planning.excel.extension).
        from styrhjul.planning import status, year_copy
        from styrhjul.planning.excel import extension

        from . import item_status, plan_results, sections, wheel_copy

        extension.register(plan_results)
        # "Kopiera till nästa år" copies the year wheel too (planning.year_copy).
        year_copy.register(wheel_copy)
        # ... and the documents' own sections of the year.
        year_copy.register_part(sections.copy_sections)
        # ... and the year wheel's processes and deciding bodies.
        year_copy.register_part(wheel_copy.copy_settings_part)
        # The latest reported status on the planning pages (planning.status).
        status.register(item_status.latest)
