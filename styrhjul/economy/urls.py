"""The economy pages, mounted under /ekonomi/."""

from django.urls import path

from . import views, views_drill

app_name = "economy"

urlpatterns = [
    path("importera/", views.sie_import, name="import"),
    path("ansvar/", views.mapping, name="mapping"),
    path("enheter/<int:pk>/", views.unit_economy, name="unit"),
    path("nedbrytning/<int:pk>/", views_drill.drill_unit, name="drill_unit"),
    path(
        "nedbrytning/<int:pk>/ansvar/<int:ansvar>/",
        views_drill.drill_ansvar,
        name="drill_ansvar",
    ),
    path(
        "nedbrytning/<int:pk>/ansvar/<int:ansvar>/konto/<int:account>/",
        views_drill.drill_account,
        name="drill_account",
    ),
]
