from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "styrhjul.followup"
    label = "followup"
    verbose_name = "Uppföljning"
