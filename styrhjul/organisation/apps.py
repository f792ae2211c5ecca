from django.apps import AppConfig


def record_login(sender, user, **kwargs) -> None:
    """The time of the login, written without saving the user: a login
    changes nothing a person would look for in the user's history, so it
    writes no history row (Django's update_last_login saves the user)."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user)._base_manager.filter(pk=user.pk).update(last_login=user.last_login)


class OrganisationConfig(AppConfig):
    name = "styrhjul.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_login, dispatch_uid="styrhjul_record_login")
