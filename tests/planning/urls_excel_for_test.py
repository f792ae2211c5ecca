"""The product's URLs with the plan's Excel views added to the namespace
"planning", for tests that run whether or not styrhjul/planning/urls.py
wires them yet."""

from django.urls import include, path

from styrhjul import urls as product_urls
from styrhjul.planning import urls as planning_urls
from styrhjul.planning import views_excel

excel_patterns = [
    path("planer/<int:pk>/excel.xlsx", views_excel.plan_export, name="plan_export"),
    path("import/<int:unit>/<int:plan_type>/", views_excel.plan_import, name="plan_import"),
    path("plantyper/<int:plan_type>/mall.xlsx", views_excel.plan_template, name="plan_template"),
]
names = {p.name for p in excel_patterns}
planning_patterns = [
    *[p for p in planning_urls.urlpatterns if getattr(p, "name", None) not in names],
    *excel_patterns,
]

urlpatterns = [
    *[p for p in product_urls.urlpatterns if getattr(p, "namespace", None) != "planning"],
    path("planering/", include((planning_patterns, "planning"))),
]
