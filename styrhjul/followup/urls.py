from django.urls import path

from . import views, views_economy, views_review
from .feeds import FEED_URLS
from .views_wheel import WHEEL_URLS

app_name = "followup"

urlpatterns = [
    path("uppgifter/<int:pk>/", views.task, name="task"),
    path("uppgifter/<int:pk>/poster/<int:item>/", views.report_item, name="report_item"),
    # <report>: an earlier report whose measure (åtgärd) is followed up
    path("uppgifter/<int:pk>/atgarder/<int:report>/", views.measure, name="measure"),
    path("uppgifter/<int:pk>/klarmarkera/", views.task_done, name="task_done"),
    # <key>: an own section of the occasion's document (followup.sections)
    path("uppgifter/<int:pk>/avsnitt/<str:key>/", views.section_text, name="section_text"),
    path("uppgifter/<int:pk>/angra-klarmarkering/", views.task_undo, name="task_undo"),
    path("uppgifter/<int:pk>/historik/", views.task_history, name="task_history"),
    path("uppgifter/<int:pk>/prognos/", views_economy.forecast, name="forecast"),
    # <measure>: a measure planned with an earlier forecast, followed up
    path(
        "uppgifter/<int:pk>/prognosatgarder/<int:measure>/",
        views_economy.forecast_measure,
        name="forecast_measure",
    ),
    path(
        "uppgifter/<int:pk>/ekonomi/underlag/",
        views_economy.underlag,
        name="economy_underlag",
    ),
]

urlpatterns += [
    path("uppgifter/<int:pk>/poster/<int:item>/underlag/", views_review.underlag, name="underlag"),
    path(
        "uppgifter/<int:pk>/poster/<int:item>/rakna-om/",
        views_review.recompute,
        name="recompute",
    ),
    path("uppgifter/<int:pk>/granska/", views_review.task_review, name="task_review"),
    path("tillfallen/<int:pk>/oversikt/", views_review.overview, name="overview"),
    path(
        "tillfallen/<int:pk>/oversikt/excel/",
        views_review.overview_export,
        name="overview_export",
    ),
    path("tillfallen/<int:pk>/paminnelser/", views_review.remind, name="remind"),
    *WHEEL_URLS,
    *FEED_URLS,
]
