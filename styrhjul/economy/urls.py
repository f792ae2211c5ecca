"""The economy pages, mounted under /ekonomi/."""

from django.urls import path

from . import views

app_name = "economy"

urlpatterns = [
    path("importera/", views.sie_import, name="import"),
    path("ansvar/", views.mapping, name="mapping"),
    path("enheter/<int:pk>/", views.unit_economy, name="unit"),
]

from . import views_invest  # noqa: E402

urlpatterns += [
    path("enheter/<int:pk>/investeringar/", views_invest.unit_investments, name="investments"),
    path("nyckeltal/", views_invest.financial_ratios, name="ratios"),
]
