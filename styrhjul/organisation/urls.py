from django.urls import path

from . import views, views_import

app_name = "organisation"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("enheter/ny/", views.unit_create, name="unit_create"),
    path("enheter/<int:pk>/", views.unit_detail, name="unit"),
    path("enheter/<int:pk>/andra/", views.unit_edit, name="unit_edit"),
    path("enheter/<int:pk>/flytta/", views.unit_move, name="unit_move"),
    path("enheter/<int:pk>/stang/", views.unit_close, name="unit_close"),
    path("enheter/<int:pk>/oppna/", views.unit_reopen, name="unit_reopen"),
    path("enheter/<int:pk>/historik/", views.unit_history, name="unit_history"),
    path("enheter/<int:pk>/behorigheter/", views.unit_grant_add, name="unit_grant_add"),
    path("behorigheter/<int:pk>/ta-bort/", views.grant_remove, name="grant_remove"),
    path("importera/", views_import.org_import, name="import"),
    path("importera/mall.xlsx", views_import.org_import_template, name="import_template"),
    path("administration/", views.admin_index, name="admin"),
    path("administration/anvandare/", views.user_list, name="users"),
    path("administration/anvandare/ny/", views.user_create, name="user_create"),
    path("administration/anvandare/<int:pk>/", views.user_detail, name="user"),
    path(
        "administration/anvandare/<int:pk>/behorigheter/",
        views.user_grant_add,
        name="user_grant_add",
    ),
    path("administration/anvandare/<int:pk>/historik/", views.user_history, name="user_history"),
    path("administration/gruppregler/", views.directory_rules, name="directory_rules"),
    path("administration/gruppregler/provkor/", views.directory_dry_run, name="directory_dry_run"),
    path("administration/gruppregler/<int:pk>/", views.directory_rule, name="directory_rule"),
    path(
        "administration/gruppregler/<int:pk>/ta-bort/",
        views.directory_rule_delete,
        name="directory_rule_delete",
    ),
    path("administration/enhetstyper/", views.unit_types, name="unit_types"),
    path("administration/enhetstyper/<int:pk>/", views.unit_types, name="unit_type"),
]
