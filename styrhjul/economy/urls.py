"""The economy pages, mounted under /ekonomi/."""

from django.urls import path

from . import views, views_budget

app_name = "economy"

urlpatterns = [
    path("importera/", views.sie_import, name="import"),
    path("importera/<int:pk>/", views.sie_upload, name="upload"),
    path("ansvar/", views.mapping, name="mapping"),
    path("enheter/<int:pk>/", views.unit_economy, name="unit"),
    path("budget/", views_budget.budget_versions, name="budget"),
    path("budget/mall/", views_budget.budget_template, name="budget_template"),
    path("budget/importera/", views_budget.budget_import, name="budget_import"),
    path("budget/omfordela/", views_budget.budget_reallocate, name="budget_reallocate"),
    path("budget/versioner/<int:pk>/", views_budget.budget_version, name="budget_version"),
    path("installningar/dimensioner/", views_budget.dimensions, name="dimensions"),
    path("installningar/rader/", views_budget.report_rows, name="report_rows"),
    path("installningar/rader/<int:pk>/", views_budget.report_row, name="report_row"),
    path(
        "installningar/rader/aterstall/", views_budget.report_rows_reset, name="report_rows_reset"
    ),
]

from . import views_invest  # noqa: E402

urlpatterns += [
    path("enheter/<int:pk>/investeringar/", views_invest.unit_investments, name="investments"),
    path("nyckeltal/", views_invest.financial_ratios, name="ratios"),
]
