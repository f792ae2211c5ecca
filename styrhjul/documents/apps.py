from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "styrhjul.documents"
    label = "documents"
    verbose_name = "Dokument"

    def ready(self):
        # A task asks only for the built-in texts (förord, sammanfattning,
        # viktiga händelser) that the organisation's documents print
        # (followup.sections.printed_texts).
        from styrhjul.followup import sections

        from .layout import printed_texts

        sections.register_printed_texts(printed_texts)
