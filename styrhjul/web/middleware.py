from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from styrhjul.core.concurrency import EditConflict, conflict_text

from .views import database_health


class HealthCheckMiddleware:
    """Answers GET /healthz first of all, so a load balancer that probes by IP
    address (outside ALLOWED_HOSTS) and over plain HTTP gets a real answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            response = database_health()
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


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
