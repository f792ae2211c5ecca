import datetime

from django.conf import settings

from styrhjul.organisation import access


def styrhjul(request):
    user = getattr(request, "user", None)
    return {
        "current_year": datetime.date.today().year,
        "demo_mode": settings.DEMO_MODE,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "saml_enabled": settings.SAML_ENABLED,
        "saml_provider_name": settings.SAML_PROVIDER_NAME,
        # Lazy: only pages that show the menu pay for it.
        "can_administer": (
            (lambda: access.can_manage_any(user)) if user and user.is_authenticated else False
        ),
    }
