"""The Kolada pages, mounted under /kolada/.

The settings page takes ?organisation=<root unit pk> when the user reads
several organisations; the search takes ?q=<text>."""

from django.urls import path

from . import views

app_name = "kolada"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("sok/", views.search, name="search"),
]
