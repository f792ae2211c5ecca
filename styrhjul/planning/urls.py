from django.urls import path

from . import views, views_excel, views_risk, views_year

app_name = "planning"

urlpatterns = [
    path("enheter/<int:pk>/<int:year>/", views.unit_plans, name="unit_plans"),
    path("planer/<int:pk>/", views.plan, name="plan"),
    path("maltrad/<int:year>/", views.goal_tree, name="goal_tree"),
    path("enheter/<int:unit>/plantyper/<int:plan_type>/ny/", views.item_create, name="item_create"),
    path("poster/<int:pk>/", views.item, name="item"),
    path("poster/<int:pk>/andra/", views.item_edit, name="item_edit"),
    path("poster/<int:pk>/arkivera/", views.item_archive, name="item_archive"),
    path("poster/<int:pk>/ta-bort/", views.item_delete, name="item_delete"),
    path("poster/<int:pk>/flytta/", views.item_move, name="item_move"),
    path("poster/<int:pk>/koppla/", views.item_link, name="item_link"),
    path("poster/<int:pk>/koppla/<int:target>/ta-bort/", views.item_unlink, name="item_unlink"),
    path("poster/<int:pk>/dela/", views.item_share, name="item_share"),
    path("poster/<int:pk>/dela/<int:unit>/avsluta/", views.item_unshare, name="item_unshare"),
    path("poster/<int:pk>/historik/", views.item_history, name="item_history"),
    path("planer/<int:pk>/excel.xlsx", views_excel.plan_export, name="plan_export"),
    path("import/<int:unit>/<int:plan_type>/", views_excel.plan_import, name="plan_import"),
    path("plantyper/<int:plan_type>/mall.xlsx", views_excel.plan_template, name="plan_template"),
    path("planer/<int:pk>/riskanalys/", views_risk.risk_analysis, name="risk"),
    # The styrmodell of <year> copied to <year> + 1, with its plans.
    path("kopiera/<int:year>/", views_year.copy_year, name="copy_year"),
]
