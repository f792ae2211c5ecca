from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "styrhjul.documents"
    label = "documents"
    verbose_name = "Dokument"
