import datetime
import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from styrhjul.core import tasks as background

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
        # Which sign-in refused: SAML says so (via=saml), OpenID Connect does not.
        context["sso_refused_by"] = (
            settings.SAML_PROVIDER_NAME
            if self.request.GET.get("via") == "saml"
            else settings.OIDC_PROVIDER_NAME
        )
        if settings.DEMO_MODE and settings.LOGIN_HINTS:
            context.update(import_string(settings.LOGIN_HINTS)())
        return context


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise. For load balancers.
    Normally answered by HealthCheckMiddleware before host checks."""
    return database_health()


@never_cache
@require_GET
def readyz(request):
    """200 when Styrhjul can do its work, 503 saying what is missing.
    Normally answered by HealthCheckMiddleware before host checks."""
    return readiness()


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return False
    return True


def database_health() -> HttpResponse:
    if not _database_answers():
        return HttpResponse("databasen svarar inte\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# Once this process has seen every migration applied it stays so (migrations
# are not undone under a running server), and the migration graph is not
# loaded again on every probe.
_migrated = False
WORKER_SEEN_WITHIN = datetime.timedelta(minutes=1)


def _unapplied_migrations() -> int:
    global _migrated
    if _migrated:
        return 0
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated = unapplied == 0
    return unapplied


def readiness() -> HttpResponse:
    """/readyz: the database answers, every migration is applied and a
    worker (`styrhjul worker`) has reported in within the last minute
    (core.tasks' heartbeat). A load balancer sends visitors only to a
    server that answers 200; the text of a 503 says what is missing."""
    if not _database_answers():
        return HttpResponse("databasen svarar inte\n", status=503, content_type="text/plain")
    missing = []
    try:
        unapplied = _unapplied_migrations()
        if unapplied:
            missing.append(f"{unapplied} databasmigreringar är inte körda: kör styrhjul migrate")
        if not background.workers_seen(within=WORKER_SEEN_WITHIN):
            missing.append(
                "ingen arbetare har hörts av den senaste minuten: starta styrhjul worker"
            )
    except Exception:  # tables missing before the first migrate, the database gone
        missing = ["databasen är inte redo: kör styrhjul migrate"]
    if missing:
        return HttpResponse(
            "".join(line + "\n" for line in missing), status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


# --- The database unreachable ---------------------------------------------------------

# Seconds a visitor (or a proxy) is asked to wait before trying again.
RETRY_AFTER = 30


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether the failure is the database not answering (the server down or
    restarting, the network gone, a connection cut): OperationalError or
    InterfaceError, also as the cause of another exception. Errors in what
    was asked (IntegrityError, ProgrammingError, DataError) are not."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def server_error(request):
    """handler500: a failure because the database does not answer is shown as
    "Styrhjul är tillfälligt otillgängligt" (503, Retry-After), every other
    one as Django's 500 page (500.html). The 503 page is plain HTML that
    needs no database (no user, no menu), as the database is what is gone."""
    if database_unreachable(sys.exc_info()[1]):
        return unavailable()
    return defaults.server_error(request)


def bad_request(request, exception):
    """handler400: the same 503 page when the request was refused because the
    database stopped answering: Django refuses a request whose session could
    not be saved at its end (SessionInterrupted, e.g. a login as the database
    goes away) as if someone had logged out meanwhile. Else Django's 400."""
    if database_unreachable(exception):
        return unavailable()
    return defaults.bad_request(request, exception)


def unavailable() -> HttpResponse:
    """The page "Styrhjul är tillfälligt otillgängligt" (503, Retry-After)."""
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
