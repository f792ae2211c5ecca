"""The product's URLs plus the styrmodell pages, for testing them before
they are mounted in styrhjul/urls.py (once they are, this adds nothing)."""

from django.urls import URLResolver, include, path

from styrhjul.urls import urlpatterns as product_urlpatterns

mounted = any(isinstance(p, URLResolver) and p.namespace == "model" for p in product_urlpatterns)
urlpatterns = list(product_urlpatterns)
if not mounted:
    urlpatterns.append(path("styrmodell/", include("styrhjul.model.urls")))
