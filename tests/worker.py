"""Running the background worker (`styrhjul worker`) in a test: it does what
is queued and stops."""

from __future__ import annotations

import io

from django.core.management import call_command


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    return out.getvalue()
