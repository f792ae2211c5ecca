from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("konto/api-nycklar/", views.tokens, name="api_tokens"),
    path(
        "konto/api-nycklar/<int:token_id>/aterkalla/", views.token_revoke, name="api_token_revoke"
    ),
]
