"""URLs with SAML mounted, as styrhjul/urls.py mounts them when
SAML_IDP_METADATA is set (it reads the setting at import, so the tests that
need the SAML views use this module as ROOT_URLCONF). The product's URLs
come from tests/product_urls.py, which imports them with no sign-in on,
so that using this module first does not leave SAML mounted for the tests
after it."""

from django.urls import include, path

from tests.product_urls import product_urlpatterns

urlpatterns = [
    *product_urlpatterns,
    path("saml2/", include("styrhjul.organisation.saml_urls")),
]
