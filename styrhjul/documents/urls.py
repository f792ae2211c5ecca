from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path(
        "internkontrollrapport/<int:plan>/<int:occasion>.<str:fmt>",
        views.internal_control_view,
        name="internal_control",
    ),
]
