"""The economy pages, mounted under /ekonomi/."""

from django.urls import path

from . import views

app_name = "economy"

urlpatterns = [
    path("importera/", views.sie_import, name="import"),
    path("importera/<int:pk>/", views.sie_upload, name="upload"),
    path("ansvar/", views.mapping, name="mapping"),
    path("enheter/<int:pk>/", views.unit_economy, name="unit"),
]
