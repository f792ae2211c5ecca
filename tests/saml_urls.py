"""URLs with SAML mounted, as styrhjul/urls.py mounts them when
SAML_IDP_METADATA is set (it reads the setting at import, so the tests that
need the SAML views use this module as ROOT_URLCONF)."""

from django.urls import include, path

urlpatterns = [
    path("", include("styrhjul.urls")),
    path("saml2/", include("styrhjul.organisation.saml_urls")),
]
