"""Published snapshots and open data: stable addresses, readable without a
login (docs/publicering.md)."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("publicerat/<int:organisation>/", views.snapshots, name="snapshots"),
    path("publicerat/uppfoljning/<int:pk>/", views.snapshot, name="snapshot"),
    path(
        "publicerat/uppfoljning/<int:pk>/enhet/<int:unit>/",
        views.snapshot_unit,
        name="snapshot_unit",
    ),
    path(
        "publicerat/uppfoljning/<int:pk>/dokument/<int:document>/",
        views.document,
        name="document",
    ),
    path(
        "publicerat/jamfor/<int:before>/<int:after>/enhet/<int:unit>/",
        views.compare,
        name="compare",
    ),
    path(
        "publicerat/jamfor/<int:before>/<int:after>/enhet/<int:unit>/excel/",
        views.compare_xlsx,
        name="compare_xlsx",
    ),
    path("oppna-data/uppfoljning/<int:pk>.csv", views.snapshot_csv, name="snapshot_csv"),
    path("oppna-data/uppfoljning/<int:pk>.json", views.snapshot_json, name="snapshot_json"),
    path("oppna-data/datakatalog/", views.dictionary, name="dictionary"),
    path("oppna-data/datakatalog.json", views.dictionary_json, name="dictionary_json"),
    path("offentlig/<int:organisation>/", views.organisation_page, name="organisation_page"),
    path("publicerat/publicera/<int:occasion>/", views.publish, name="publish"),
    path(
        "publicerat/publicera/<int:occasion>/status/",
        views.publishing_status,
        name="publishing_status",
    ),
    path(
        "publicerat/installningar/<int:organisation>/",
        views.publication_settings,
        name="settings",
    ),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("tillganglighet/andra/", views.accessibility_edit, name="accessibility_edit"),
]
