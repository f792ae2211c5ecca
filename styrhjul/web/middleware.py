from django.http import HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

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
