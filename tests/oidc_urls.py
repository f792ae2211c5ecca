"""URLs with OpenID Connect mounted, as styrhjul/urls.py mounts them when
OIDC_RP_CLIENT_ID is set (it reads the setting at import, so the tests that
need the OIDC views use this module as ROOT_URLCONF). The product's URLs
come from tests/product_urls.py, which imports them with no sign-in on,
so that using this module first does not leave OIDC mounted for the tests
after it."""

from django.urls import include, path

from tests.product_urls import product_urlpatterns

urlpatterns = [
    *product_urlpatterns,
    path("oidc/", include("mozilla_django_oidc.urls")),
]
