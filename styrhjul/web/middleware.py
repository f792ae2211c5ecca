from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from styrhjul.core.concurrency import EditConflict, conflict_text

from .views import database_health, readiness

PROBES = {"/healthz": database_health, "/readyz": readiness}


class HealthCheckMiddleware:
    """Answers GET /healthz (alive) and /readyz (ready for work) first of all,
    so a load balancer that probes by IP address (outside ALLOWED_HOSTS) and
    over plain HTTP gets a real answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path)
        if probe is not None:
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            response = probe()
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers on every answer from the application (docs/sakerhet.md):
    the Content-Security-Policy (scripts only from Styrhjul's own files, no
    frames, no plugins), the Permissions-Policy (no camera, microphone,
    position …), and for a logged-in user no storing anywhere of pages and
    downloads (Cache-Control: no-store), so that a shared computer's cache
    or a proxy keeps nothing of theirs."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class EditConflictMiddleware:
    """A save refused because someone else saved first (EditConflict) that
    the page does not show at its form answers 409 Conflict, saying what
    happened; an API maps the same exception to the same status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, EditConflict):
            return None
        return render(
            request,
            "409.html",
            {"message": conflict_text(exception, kept=False)},
            status=exception.status_code,
        )
