from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path(
        "internkontrollrapport/<int:plan>/<int:occasion>.<str:fmt>",
        views.internal_control_view,
        name="internal_control",
    ),
    path(
        "internkontrollrapport/<int:plan>/<int:occasion>/texter/",
        views.internal_control_texts,
        name="internal_control_texts",
    ),
]
