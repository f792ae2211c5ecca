"""The product's URLs as styrhjul/urls.py has them without a sign-in
(OIDC, SAML) turned on, whatever test first imports them.

styrhjul/urls.py mounts the sign-in URLs of the settings it is first
imported with, and keeps them for the rest of the process. A test that
turns a sign-in on with override_settings and resolves a URL through
tests/saml_urls.py or tests/oidc_urls.py would otherwise import it for the
first time with the sign-in on, leaving /saml2/ or /oidc/ mounted for every
test that runs after it in the same process. Importing it here with both
turned off (the test settings' default) makes the order of tests not
matter."""

from django.test.utils import override_settings

with override_settings(OIDC_ENABLED=False, SAML_ENABLED=False):
    from styrhjul.urls import urlpatterns as product_urlpatterns  # noqa: F401
