"""Work in progress on a page: how often the page asks for its status."""

from django import template

from styrhjul.core.jobs import poll_seconds

register = template.Library()


@register.filter
def poll_every(job) -> str:
    """The htmx trigger for polling `job` (anything with `requested_at`):
    "every 1s" while it is new, less often as it goes on (core.jobs.poll_seconds)."""
    return f"every {poll_seconds(getattr(job, 'requested_at', None))}s"
