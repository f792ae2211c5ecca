from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from . import startpage
from .forms import LoginForm


@login_required
@require_safe
def start(request):
    """Start: what to do and how things stand, per role (web/startpage.py)."""
    today = timezone.localdate()
    page = startpage.start_page(request.user, today)
    return render(
        request,
        "web/start.html",
        {
            "nav": "start",
            "page_title": "Start",
            "page": page,
            "my_units": page.units,
            "vision": page.vision,
            "today": today,
            "next": request.get_full_path(),
        },
    )


class StyrhjulLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_refused"] = self.request.GET.get("sso") == "nekad"
        if settings.DEMO_MODE and settings.LOGIN_HINTS:
            context.update(import_string(settings.LOGIN_HINTS)())
        return context


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise. For load balancers.
    Normally answered by HealthCheckMiddleware before host checks."""
    return database_health()


def database_health() -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return HttpResponse("databasen svarar inte\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
