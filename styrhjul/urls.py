from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("styrhjul.web.urls")),
    path("", include("styrhjul.api.urls")),
    path("organisation/", include("styrhjul.organisation.urls")),
    path("planering/", include("styrhjul.planning.urls")),
    path("styrmodell/", include("styrhjul.model.urls")),
    path("uppfoljning/", include("styrhjul.followup.urls")),
    path("dokument/", include("styrhjul.documents.urls")),
    path("nyckeltal/", include("styrhjul.indicators.urls")),
    path("kolada/", include("styrhjul.kolada.urls")),
    path("ekonomi/", include("styrhjul.economy.urls")),
    path("", include("styrhjul.public.urls")),
]
# A database that does not answer gives a Swedish 503 page, not a 500 or a
# 400 (web/views.py).
handler500 = "styrhjul.web.views.server_error"
handler400 = "styrhjul.web.views.bad_request"

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
if settings.SAML_ENABLED:
    urlpatterns.append(path("saml2/", include("styrhjul.organisation.saml_urls")))
