from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Published snapshots (publicerade uppföljningar) of follow-up
    occasions, their comparison and the open data read from them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "styrhjul.public"
    verbose_name = _("Publicering")
