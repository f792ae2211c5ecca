"""URLs with OpenID Connect mounted, as styrhjul/urls.py mounts them when
OIDC_RP_CLIENT_ID is set (it reads the setting at import, so the tests that
need the OIDC views use this module as ROOT_URLCONF)."""

from django.urls import include, path

urlpatterns = [
    path("", include("styrhjul.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
]
