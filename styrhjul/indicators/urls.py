from django.urls import path

from . import views, views_breakdowns

app_name = "indicators"

urlpatterns = [
    path("", views.council_index, name="index"),
    path("fullmaktige/<int:year>/", views.council, name="council"),
    # <pk>: an indicator (an item of kind nyckeltal)
    path("<int:pk>/", views.indicator, name="indicator"),
    # Uppdelningar (breakdowns) and comparison values entered by hand.
    path("uppdelningar/", views_breakdowns.dimensions, name="dimensions"),
    path("uppdelningar/<int:pk>/", views_breakdowns.dimension, name="dimension"),
    path(
        "<int:pk>/uppdelning/<int:dimension_pk>/",
        views_breakdowns.breakdown,
        name="breakdown",
    ),
    path(
        "<int:pk>/uppdelning/import/",
        views_breakdowns.breakdown_import,
        name="breakdown_import",
    ),
    path("<int:pk>/jamforelser/", views_breakdowns.comparisons, name="comparisons"),
    path(
        "<int:pk>/jamforelser/<int:row_pk>/ta-bort/",
        views_breakdowns.comparison_delete,
        name="comparison_delete",
    ),
    path(
        "<int:pk>/jamforelser/import/",
        views_breakdowns.comparisons_import,
        name="comparisons_import",
    ),
]
