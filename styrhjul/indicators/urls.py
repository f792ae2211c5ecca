from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.council_index, name="index"),
    path("fullmaktige/<int:year>/", views.council, name="council"),
    # <pk>: an indicator (an item of kind nyckeltal)
    path("<int:pk>/", views.indicator, name="indicator"),
]
