from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "styrhjul.organisation"
    label = "organisation"
    verbose_name = "Organisation"
