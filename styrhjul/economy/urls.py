"""The economy pages, mounted under /ekonomi/."""

from django.urls import path

from . import views, views_budget, views_drill, views_invest

app_name = "economy"

urlpatterns = [
    path("importera/", views.sie_import, name="import"),
    path("importera/<int:pk>/", views.sie_upload, name="upload"),
    path("ansvar/", views.mapping, name="mapping"),
    path("enheter/<int:pk>/", views.unit_economy, name="unit"),
    path("enheter/<int:pk>/investeringar/", views_invest.unit_investments, name="investments"),
    path("nyckeltal/", views_invest.financial_ratios, name="ratios"),
    path("investeringsbudget/", views_invest.investment_budgets, name="investment_budgets"),
    path("investeringsbudget/<int:pk>/", views_invest.investment_budget, name="investment_budget"),
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
    # The investeringsredovisning's rows and their account ranges.
    path(
        "installningar/investeringsrader/",
        views_invest.investment_rows,
        name="investment_rows",
    ),
    path(
        "installningar/investeringsrader/<int:pk>/",
        views_invest.investment_row,
        name="investment_row",
    ),
]
