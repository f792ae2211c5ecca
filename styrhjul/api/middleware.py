"""The API calls that may send more than an ordinary request body: the
indicator values in bulk (POST /api/v1/nyckeltalsvarden), and values per
group and comparison values in bulk, up to settings.API_BULK_MAX_BYTES
(100,000 values is about 10 MB of JSON). Every other request keeps
Django's limit (DATA_UPLOAD_MAX_MEMORY_SIZE)."""

from __future__ import annotations

from django.conf import settings

from .problems import problem

BULK_PATHS = {"/api/v1/nyckeltalsvarden", "/api/v1/uppdelningsvarden", "/api/v1/jamforelsevarden"}


class BulkBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in BULK_PATHS:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = getattr(settings, "API_BULK_MAX_BYTES", 25 * 1024 * 1024)
            if length > limit:
                return problem(
                    413,
                    f"Anropet är för stort (högst {limit // 1024 // 1024} MB). "
                    "Dela upp värdena på flera anrop.",
                )
            # Read within this limit, so that request.body does not apply
            # the ordinary one.
            request._body = request.read(limit + 1) if length else b""
        return self.get_response(request)
