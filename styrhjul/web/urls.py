from django.contrib.auth import views as auth_views
from django.urls import path

from . import passwords, views

urlpatterns = [
    path("", views.start, name="start"),
    path("konto/logga-in/", views.StyrhjulLoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/losenord/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path(
        "konto/losenord/bytt/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="web/account/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("konto/glomt-losenord/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/glomt-losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="web/account/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "konto/nytt-losenord/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/nytt-losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/account/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
