"""The SAML endpoints (mounted at /saml2/ when SAML_IDP_METADATA is set):
djangosaml2's, with the login that explains a broken configuration."""

from django.urls import include, path

from .saml import SamlLoginView

urlpatterns = [
    path("login/", SamlLoginView.as_view(), name="saml2_login"),
    path("", include("djangosaml2.urls")),
]
