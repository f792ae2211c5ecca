from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("konto/api-nycklar/", views.tokens, name="api_tokens"),
    path(
        "konto/api-nycklar/<int:token_id>/aterkalla/", views.token_revoke, name="api_token_revoke"
    ),
    path("konto/maskinklienter/", views.machine_clients, name="api_machine_clients"),
    path(
        "konto/maskinklienter/<int:client_id>/",
        views.machine_client,
        name="api_machine_client",
    ),
    path(
        "konto/maskinklienter/<int:client_id>/nycklar/<int:token_id>/aterkalla/",
        views.machine_token_revoke,
        name="api_machine_token_revoke",
    ),
]
