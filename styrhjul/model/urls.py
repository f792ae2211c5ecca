"""The styrmodell pages, mounted under /styrmodell/.

Year pages take ?organisation=<root unit pk> when the user may read several
organisations; without it, the organisation the user reads."""

from django.urls import path

from . import views

app_name = "model"

urlpatterns = [
    path("", views.index, name="index"),
    # <year>: the model's year
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/skapa/", views.create, name="create"),
    path("<int:year>/vision/", views.vision_edit, name="vision_edit"),
    # <pk>: a GovernanceModel (a year's model)
    path("modell/<int:pk>/perspektiv/ny/", views.perspective_create, name="perspective_create"),
    path("modell/<int:pk>/malnivaer/ny/", views.level_create, name="level_create"),
    path("modell/<int:pk>/plantyper/ny/", views.plan_type_create, name="plan_type_create"),
    path("modell/<int:pk>/skalor/ny/", views.scale_create, name="scale_create"),
    path("modell/<int:pk>/riskskala/", views.risk_scale_edit, name="risk_scale_edit"),
    # <pk>: the part itself
    path("perspektiv/<int:pk>/", views.perspective_edit, name="perspective_edit"),
    path("perspektiv/<int:pk>/ta-bort/", views.perspective_delete, name="perspective_delete"),
    path("malnivaer/<int:pk>/", views.level_edit, name="level_edit"),
    path("malnivaer/<int:pk>/ta-bort/", views.level_delete, name="level_delete"),
    path("plantyper/<int:pk>/", views.plan_type_edit, name="plan_type_edit"),
    path("plantyper/<int:pk>/ta-bort/", views.plan_type_delete, name="plan_type_delete"),
    path(
        "plantyper/<int:pk>/bedomningsregler/",
        views.assessment_rules,
        name="assessment_rules",
    ),
    path("skalor/<int:pk>/", views.scale_edit, name="scale_edit"),
    path("skalor/<int:pk>/ta-bort/", views.scale_delete, name="scale_delete"),
    path("skalor/<int:pk>/varden/ny/", views.scale_value_create, name="scale_value_create"),
    path("skalvarden/<int:pk>/", views.scale_value_edit, name="scale_value_edit"),
    path("skalvarden/<int:pk>/ta-bort/", views.scale_value_delete, name="scale_value_delete"),
    # <part>: modell, visioner, perspektiv, malnivaer, plantyper, skalor, skalvarden;
    # <pk>: an object of that kind (a vision's page shows all the organisation's visions)
    path("<slug:part>/<int:pk>/historik/", views.history, name="history"),
]
