"""iCalendar feeds of the year wheel (RFC 5545), for Outlook, Google and
other calendar clients.

Calendar clients cannot log in, so each user gets secret feed URLs: the
token is signed with the site's SECRET_KEY (salt "styrhjul.ical") and names
the user (and, for the organisation feed, the root unit), the generation of
the user's addresses and when it was made. A feed is served only while that
user exists, is active and may still see what it shows, for ICAL_TOKEN_DAYS
after the address was shown, and until the user renews their addresses;
otherwise, and for a tampered token, 404.

- per user: the deadlines of their tasks (the manager's task of every unit
  where they hold Chef or Modellägare directly, and their Rapportör tasks);
- per organisation: every occasion's steps and the calendar events, for
  last, this and next year."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, User

from . import services
from .models import ReportingTask
from .views_wheel import _organisation, can_see_organisation, timeline_parts, wheel_url

SALT = "styrhjul.ical"
PRODID = "-//Styrhjul//Årshjul//SV"

# --- Tokens ------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def _max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ICAL_TOKEN_DAYS)


def valid_until(now: datetime.datetime | None = None) -> datetime.date:
    """The last day an address shown now works."""
    return timezone.localdate(now or timezone.now()) + _max_age()


def user_token(user) -> str:
    return _signer().sign(f"u-{user.pk}-{user.calendar_key}")


def organisation_token(user, organisation: Unit) -> str:
    return _signer().sign(f"o-{organisation.pk}-{user.pk}-{user.calendar_key}")


def _unsign(token: str) -> list[str]:
    try:
        return _signer().unsign(token, max_age=_max_age()).split("-")
    except signing.BadSignature:  # tampered, expired or of the earlier format
        raise Http404 from None


def _active_user(pk: str, key: str) -> User:
    if not pk.isdigit() or not key.isdigit():
        raise Http404
    user = User.objects.filter(pk=int(pk), is_active=True, calendar_key=int(key)).first()
    if user is None:
        raise Http404
    return user


# --- RFC 5545 ----------------------------------------------------------------------


def escape_text(value: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, continuation
    lines beginning with a space, never splitting a UTF-8 character."""
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space counts
        current.append(char)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def vevent(
    *,
    uid: str,
    stamp: datetime.datetime,
    start: datetime.date,
    end: datetime.date | None,
    summary: str,
    description: str = "",
    url: str = "",
    categories: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """An all-day event from `start` through `end` (inclusive; DTEND is the
    exclusive day after), in `categories` (CATEGORIES, e.g. the process)."""
    last = end if end and end >= start else start
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        f"DTEND;VALUE=DATE:{_date(last + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if url:
        lines.append(f"URL:{url}")
    if categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in categories))
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events: list[list[str]]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _uid(kind: str, pk: int, request) -> str:
    return f"{kind}-{pk}@{request.get_host().split(':')[0] or 'styrhjul'}"


# --- The feeds -------------------------------------------------------------------


def organisation_events(request, organisation: Unit, year: int) -> list[list[str]]:
    occasions, events = timeline_parts(organisation, range(year - 1, year + 2))
    stamp = timezone.now().astimezone(datetime.UTC)
    result = []
    for occasion in occasions:
        url = request.build_absolute_uri(wheel_url(organisation, occasion.model.year))
        for step in occasion.steps.all():
            level = step.unit_type.name if step.unit_type_id else _("Milstolpe")
            description = _(
                "%(occasion)s. Nivå: %(level)s. Start %(start)s, tidsfrist %(deadline)s."
            ) % {
                "occasion": occasion.title,
                "level": level,
                "start": step.start.isoformat(),
                "deadline": step.deadline.isoformat(),
            }
            result.append(
                vevent(
                    uid=_uid("steg", step.pk, request),
                    stamp=stamp,
                    start=step.start,
                    end=step.deadline,
                    summary=f"{occasion.title}: {step.name}",
                    description=description,
                    url=url,
                )
            )
    for event in events:
        result.append(
            vevent(
                uid=_uid("handelse", event.pk, request),
                stamp=stamp,
                start=event.start,
                end=event.end,
                summary=event.title,
                description=event_description(event),
                url=request.build_absolute_uri(wheel_url(organisation, event.model.year)),
                categories=[event.category.name] if event.category_id else [],
            )
        )
    return result


def event_description(event) -> str:
    """An event's description with who decides, who owns it and the occasion
    it belongs to, for calendars that show only the text."""
    lines = [event.description] if event.description else []
    if event.deciding_body_id:
        lines.append(_("Beslutande organ: %(name)s.") % {"name": event.deciding_body.name})
    names = [event.owner_unit.name] if event.owner_unit_id else []
    if event.owner_person_id:
        person = event.owner_person
        names.append(person.get_full_name() or person.get_username())
    if names:
        lines.append(_("Ägare: %(names)s.") % {"names": ", ".join(names)})
    if event.occasion_id:
        lines.append(_("Uppföljning: %(name)s.") % {"name": event.occasion.title})
    return "\n".join(lines)


def user_tasks(user, year: int):
    """The user's tasks (access.my_tasks_filter) with a deadline in the
    models of last, this and next year."""
    return (
        ReportingTask.objects.filter(
            occasion__model__year__in=range(year - 1, year + 2), step__isnull=False
        )
        .filter(access.my_tasks_filter(user))
        .select_related("occasion__model__organisation", "unit", "plan_type", "step")
        .order_by("step__deadline", "name")
    )


@require_safe
def ical_user(request, token: str):
    parts = _unsign(token)
    if len(parts) != 3 or parts[0] != "u":
        raise Http404
    user = _active_user(parts[1], parts[2])
    stamp = timezone.now().astimezone(datetime.UTC)
    events = []
    for task in user_tasks(user, timezone.localdate().year):
        organisation = task.occasion.model.organisation
        done = _(" (klarmarkerad)") if task.done_at else ""
        events.append(
            vevent(
                uid=_uid("uppgift", task.pk, request),
                stamp=stamp,
                start=task.step.deadline,
                end=None,
                summary=_("Tidsfrist: %(name)s") % {"name": task.title} + done,
                description=_("%(occasion)s. Enhet: %(unit)s. Plantyp: %(plan)s.")
                % {
                    "occasion": task.occasion.title,
                    "unit": task.unit.name,
                    "plan": task.plan_name,
                },
                url=request.build_absolute_uri(wheel_url(organisation, task.occasion.model.year)),
            )
        )
    name = _("Mina tidsfrister i Styrhjul")
    return _response(calendar(name, events), "styrhjul-mina-tidsfrister.ics")


@require_safe
def ical_org(request, token: str):
    parts = _unsign(token)
    if len(parts) != 4 or parts[0] != "o" or not parts[1].isdigit():
        raise Http404
    user = _active_user(parts[2], parts[3])
    organisation = Unit.objects.filter(pk=int(parts[1]), parent=None).first()
    if organisation is None or not can_see_organisation(user, organisation):
        raise Http404
    events = organisation_events(request, organisation, timezone.localdate().year)
    name = _("Årshjul: %(name)s") % {"name": organisation.name}
    return _response(calendar(name, events), f"styrhjul-arshjul-{organisation.pk}.ics")


@login_required
@require_safe
def calendar_subscribe(request):
    """ "Prenumerera på kalendern": the user's two secret feed URLs."""
    user_url = request.build_absolute_uri(
        reverse("followup:ical_user", args=[user_token(request.user)])
    )
    try:
        organisation, _roots = _organisation(request)
    except Http404:
        organisation, org_url = None, ""
    else:
        org_url = request.build_absolute_uri(
            reverse("followup:ical_org", args=[organisation_token(request.user, organisation)])
        )
    return render(
        request,
        "followup/calendar_subscribe.html",
        {
            "nav": "followup",
            "user_url": user_url,
            "org_url": org_url,
            "organisation": organisation,
            "valid_until": valid_until(),
            "page_title": _("Prenumerera på kalendern"),
            "breadcrumbs": [(_("Årshjul"), None), (_("Prenumerera på kalendern"), None)],
        },
    )


@login_required
@require_POST
def calendar_renew(request):
    """Förnya adresserna: new secret addresses; the earlier ones stop working
    (for a person who shared one by mistake, or whose address has expired)."""
    services.calendar_renew(actor=request.user)
    messages.success(
        request,
        _("Du har fått nya kalenderadresser. De tidigare slutar fungera; byt adress i kalendern."),
    )
    return redirect("followup:calendar_subscribe")


FEED_URLS = [
    path("kalender/", calendar_subscribe, name="calendar_subscribe"),
    path("kalender/fornya/", calendar_renew, name="calendar_renew"),
    path("kalender/organisation/<str:token>.ics", ical_org, name="ical_org"),
    path("kalender/<str:token>.ics", ical_user, name="ical_user"),
]
