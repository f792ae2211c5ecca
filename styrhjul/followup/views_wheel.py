"""Årshjulet: one page per organisation and year with the follow-up
occasions, their steps and the calendar events as a timeline by month, which
everyone who reads something in the organisation sees. Model owners create
and change occasions, steps and events on it, open and close occasions and
reopen locked tasks.

Like the styrmodell pages, each form is shown inline with htmx (the wheel
is swapped with itself plus the form) and, without JavaScript, on a page of
its own; both post to the same URL."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from styrhjul.charts.pictures import Lane, LegendEntry, Mark, three_years, year_timeline
from styrhjul.core.concurrency import EditConflict, show_conflict
from styrhjul.core.dates import month_name
from styrhjul.core.forms import apply_errors
from styrhjul.model.models import GovernanceModel
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.organisation.queries import chosen_root, org_query, readable_roots

from . import opening, services, wheel_copy
from .forms_wheel import (
    CategoryForm,
    DecidingBodyForm,
    EventForm,
    OccasionForm,
    StepForm,
    TaskReopenForm,
    WheelCopyForm,
    WheelFilterForm,
)
from .models import (
    PROCESS_YEAR_OFFSET,
    CalendarEvent,
    DecidingBody,
    EventCategory,
    FollowUpOccasion,
    OccasionStep,
    ReportingTask,
)
from .overview import viewable_occasion_ids

YEAR_MIN, YEAR_MAX = 1900, 2200


# --- Which organisation ----------------------------------------------------------


def can_see_organisation(user, organisation: Unit) -> bool:
    return access.reads_organisation(user, organisation)


def _organisation(request) -> tuple[Unit, list[Unit]]:
    """The organisation the page is about, and the roots to choose among."""
    return chosen_root(
        request.user, request.GET.get("organisation") or request.POST.get("organisation")
    )


def wheel_url(organisation: Unit, year: int, roots: list[Unit] | None = None) -> str:
    roots = roots if roots is not None else [organisation]
    return reverse("followup:year_wheel", args=[year]) + org_query(organisation, roots)


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404


def _get_managed(request, model_class: type[Model], select_related: tuple[str, ...], pk: int):
    return access.get_or_404(
        request.user,
        model_class.objects.select_related(*select_related),
        access.Action.MANAGE,
        pk=pk,
    )


def _autofocus_first_field(form) -> None:
    for bound in form.visible_fields():
        bound.field.widget.attrs["autofocus"] = True
        return


# --- The timeline --------------------------------------------------------------


@dataclass
class Entry:
    """One line of the timeline: a step's start or deadline, a milestone or an event."""

    date: datetime.date
    title: str
    what: str  # "Start", "Tidsfrist", "Milstolpe", "Händelse"
    level: str = ""
    occasion: str = ""
    end: datetime.date | None = None
    is_today_marker: bool = False
    kind: str = ""  # "start", "deadline", "milestone", "event" (year_picture's marks)
    event: CalendarEvent | None = None  # an event's process, deciding body and owner
    concerns: int | None = None  # the year the step or event works on (three_year_picture)


@dataclass
class Month:
    number: int
    name: str
    first: datetime.date
    entries: list[Entry] = field(default_factory=list)
    is_current: bool = False


def timeline_parts(organisation: Unit, years: range):
    """Occasions (with steps) and events of the organisation's models for the years."""
    occasions = list(
        FollowUpOccasion.objects.filter(model__organisation=organisation, model__year__in=years)
        .select_related("model")
        .prefetch_related(Prefetch("steps", OccasionStep.objects.select_related("unit_type")))
        .order_by("period_end", "name")
    )
    events = list(
        CalendarEvent.objects.filter(
            model__organisation=organisation, model__year__in=years
        ).select_related(
            "model", "category", "deciding_body", "owner_unit", "owner_person", "occasion"
        )
    )
    return occasions, events


def concerned_year(event: CalendarEvent) -> int:
    """The year an event works on: its occasion's period, else the year its
    process works on (EventCategory.process_year) seen from the event's
    date; an event without either works on the year it happens in."""
    if event.occasion_id is not None:
        return event.occasion.period_end.year
    offset = PROCESS_YEAR_OFFSET.get(event.category.process_year, 0) if event.category else 0
    return event.start.year + offset


def timeline(
    organisation: Unit, year: int, today: datetime.date, process: str | None = None
) -> list[Month]:
    """The year's twelve months with what happens in each, from the models
    of last, this and next year (an annual report's deadlines fall in the
    next year, budget work for next year in this). With `process` (a
    process's name, any year's): only the events of that process."""
    occasions, events = timeline_parts(organisation, range(year - 1, year + 2))
    if process is not None:
        wanted = process.casefold()
        occasions = []
        events = [e for e in events if e.category and e.category.name.casefold() == wanted]
    entries: list[Entry] = []
    for occasion in occasions:
        for step in occasion.steps.all():
            level = step.unit_type.name if step.unit_type_id else ""
            if step.unit_type_id is None:
                entries.append(
                    Entry(
                        step.deadline,
                        step.name,
                        _("Milstolpe"),
                        "",
                        occasion.title,
                        kind="milestone",
                        concerns=occasion.period_end.year,
                    )
                )
                continue
            if step.start < step.deadline:
                entries.append(
                    Entry(step.start, step.name, _("Start"), level, occasion.title, kind="start")
                )
            entries.append(
                Entry(
                    step.deadline,
                    step.name,
                    _("Tidsfrist"),
                    level,
                    occasion.title,
                    kind="deadline",
                    concerns=occasion.period_end.year,
                )
            )
    for event in events:
        entries.append(
            Entry(
                event.start,
                event.title,
                _("Händelse"),
                occasion=event.occasion.title if event.occasion_id else "",
                end=event.end,
                kind="event",
                event=event,
                concerns=concerned_year(event),
            )
        )
    months = [
        Month(
            m,
            month_name(m).capitalize(),
            datetime.date(year, m, 1),
            is_current=(today.year, today.month) == (year, m),
        )
        for m in range(1, 13)
    ]
    for entry in sorted(entries, key=lambda e: (e.date, e.what != _("Händelse"), e.title)):
        if entry.date.year == year:
            months[entry.date.month - 1].entries.append(entry)
    if today.year == year:
        month = months[today.month - 1]
        position = sum(1 for e in month.entries if e.date < today)
        month.entries.insert(position, Entry(today, _("I dag"), "", is_today_marker=True))
    return months


def year_picture(months: list[Month], year: int, today: datetime.date) -> str:
    """The year as a picture (charts.pictures.year_timeline): the deadlines,
    milestones and events of `months` (timeline()) on a line from January to
    December, today marked. The month tables, or on the start page the list
    of what comes next, say the same in words."""
    marks = [
        Mark(e.date, f"{e.title} ({e.occasion})" if e.occasion else e.title, e.kind)
        for month in months
        for e in month.entries
        if e.kind in ("deadline", "milestone", "event")
    ]
    counts = {kind: sum(1 for m in marks if m.kind == kind) for kind in ("deadline", "milestone")}
    desc = _(
        "Året från januari till december med %(deadlines)s tidsfrister (cirklar), "
        "%(milestones)s milstolpar (romber) och %(events)s händelser (kvadrater)."
    ) % {
        "deadlines": counts["deadline"],
        "milestones": counts["milestone"],
        "events": len(marks) - sum(counts.values()),
    }
    if today.year == year:
        desc += " " + _("Den streckade linjen är i dag, %(date)s.") % {"date": today.isoformat()}
    return year_timeline(
        year,
        marks,
        today=today,
        title=_("Årshjul %(year)s") % {"year": year},
        desc=desc,
        today_label=_("I dag"),
        id_prefix=f"arshjul-{year}",
    )


@dataclass
class ParallelYear:
    """One of the three parallel years on the wheel page: its heading and
    what happens on it during the year shown, in date order."""

    key: str  # "bokslut", "uppfoljning", "budget"
    label: str
    entries: list[Entry]


def parallel_years(months: list[Month], year: int) -> list[ParallelYear]:
    """What happens during `year` (timeline()) on three parallel years: last
    year's closing, this year's follow-up and next year's budget (by the
    year each step or event works on, Entry.concerns)."""
    lanes = [
        ParallelYear("bokslut", _("Bokslut %(year)s") % {"year": year - 1}, []),
        ParallelYear("uppfoljning", _("Uppföljning %(year)s") % {"year": year}, []),
        ParallelYear("budget", _("Budget %(year)s") % {"year": year + 1}, []),
    ]
    for month in months:
        for entry in month.entries:
            if entry.kind not in ("deadline", "milestone", "event"):
                continue
            offset = (entry.concerns if entry.concerns is not None else year) - year
            if -1 <= offset <= 1:
                lanes[offset + 1].entries.append(entry)
    return lanes


def process_legend(categories) -> list[LegendEntry]:
    """The picture's legend: each process's symbol in its colour, then the
    shapes of events without a process, deadlines and milestones."""
    legend = [LegendEntry(c.name, c.colour, c.symbol) for c in categories]
    legend.append(LegendEntry(_("Händelse utan process"), "#4a5360", "square"))
    legend.append(LegendEntry(_("Tidsfrist"), "#0b5394", "circle", hollow=True))
    legend.append(LegendEntry(_("Milstolpe"), "#5b2a86", "diamond", hollow=True))
    return legend


def three_year_picture(
    lanes: list[ParallelYear], year: int, today: datetime.date, categories
) -> str:
    """The three parallel years as a picture (charts.pictures.three_years),
    events by their process's symbol and colour, today marked. The tables of
    the three years beside it say the same in words."""

    def mark(entry: Entry) -> Mark:
        label = f"{entry.title} ({entry.occasion})" if entry.occasion else entry.title
        category = entry.event.category if entry.event else None
        if category is not None:
            label = f"{category.character} {category.name}: {label}"
        return Mark(
            entry.date,
            label,
            entry.kind,
            colour=category.colour if category else "",
            symbol=category.symbol if category else "",
        )

    desc = _(
        "Året %(year)s från januari till december på tre parallella år: "
        "%(closing)s (%(n_closing)s), %(follow)s (%(n_follow)s) och %(budget)s (%(n_budget)s). "
        "Händelser visas med processens symbol, tidsfrister som ringar och milstolpar "
        "som romber."
    ) % {
        "year": year,
        "closing": lanes[0].label,
        "n_closing": len(lanes[0].entries),
        "follow": lanes[1].label,
        "n_follow": len(lanes[1].entries),
        "budget": lanes[2].label,
        "n_budget": len(lanes[2].entries),
    }
    if today.year == year:
        desc += " " + _("Den streckade linjen är i dag, %(date)s.") % {"date": today.isoformat()}
    return three_years(
        year,
        [Lane(lane.label, [mark(e) for e in lane.entries]) for lane in lanes],
        today=today,
        title=_("Årshjul %(year)s: tre parallella år") % {"year": year},
        desc=desc,
        legend=process_legend(categories),
        today_label=_("I dag"),
        id_prefix=f"tre-ar-{year}",
    )


# --- The page ------------------------------------------------------------------


@dataclass
class Editor:
    """A form shown inline on the wheel: `place` says where."""

    form: object
    action: str
    title: str
    place: str


def _occasion_blocks(model: GovernanceModel | None, can_manage: bool, today: datetime.date):
    if model is None:
        return []
    occasions = list(
        model.occasions.prefetch_related(
            Prefetch("steps", OccasionStep.objects.select_related("unit_type")), "plan_types"
        ).order_by("period_end", "name")
    )
    # Every occasion's tasks in one query, whatever the number of occasions.
    tasks_of: dict[int, list[ReportingTask]] = defaultdict(list)
    if can_manage and occasions:
        for task in ReportingTask.objects.filter(occasion__in=occasions).select_related(
            "unit", "plan_type", "step", "reporter"
        ):
            tasks_of[task.occasion_id].append(task)
    openings = opening.latest(occasions) if can_manage and occasions else {}
    blocks = []
    for occasion in occasions:
        block = {"occasion": occasion, "place": f"tillfalle-{occasion.pk}", "locked": []}
        if can_manage:
            block["opening"] = openings.get(occasion.pk)
            tasks = tasks_of[occasion.pk]
            for task in tasks:
                task.occasion = occasion  # is_locked reads it
            block["n_tasks"] = len(tasks)
            block["n_done"] = sum(1 for t in tasks if t.done_at)
            block["locked"] = [t for t in tasks if services.is_locked(t, today)]
        blocks.append(block)
    return blocks


def _context(request, organisation, roots, year, *, editor=None, status="", focus=""):
    today = timezone.localdate()
    model = GovernanceModel.objects.filter(organisation=organisation, year=year).first()
    can_manage = access.can_manage(request.user, organisation)
    query = org_query(organisation, roots)
    blocks = _occasion_blocks(model, can_manage, today)
    categories = list(model.event_categories.all()) if model else []
    filter_form = WheelFilterForm(request.GET or None, categories=categories)
    chosen = None
    if filter_form.is_bound and filter_form.is_valid() and filter_form.cleaned_data["process"]:
        chosen = next(c for c in categories if c.pk == filter_form.cleaned_data["process"])
    months = timeline(organisation, year, today, chosen.name if chosen else None)
    lanes = parallel_years(months, year)
    overview_ids = viewable_occasion_ids(request.user, [b["occasion"] for b in blocks])
    events = list(
        model.events.select_related(
            "category", "deciding_body", "owner_unit", "owner_person", "occasion"
        )
        if model
        else []
    )
    if chosen is not None:
        events = [e for e in events if e.category_id == chosen.pk]
    return {
        "nav": "followup",
        "organisation": organisation,
        "roots": roots if len(roots) > 1 else [],
        "org_query": query,
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1,
        "today": today,
        "model": model,
        "months": months,
        "lanes": lanes,
        "year_picture": three_year_picture(lanes, year, today, categories),
        "categories": categories,
        "filter_form": filter_form,
        "chosen_process": chosen,
        "occasions": blocks,
        "overview_ids": overview_ids,
        "events": events,
        "can_manage": can_manage,
        "year_url": wheel_url(organisation, year, roots),
        "editor": editor,
        "status": status,
        "focus": focus,
        "page_title": _("Årshjul %(year)s") % {"year": year},
        "breadcrumbs": [(_("Årshjul"), None), (str(year), None)],
    }


def _wheel(request, organisation, roots, year, **kwargs):
    context = _context(request, organisation, roots, year, **kwargs)
    return render(request, "followup/year_wheel.html#wheel", context)


@login_required
@require_safe
def wheel_index(request):
    organisation, roots = _organisation(request)
    return redirect(wheel_url(organisation, timezone.localdate().year, roots))


@login_required
@require_safe
def year_wheel(request, year: int):
    _check_year(year)
    organisation, roots = _organisation(request)
    context = _context(request, organisation, roots, year)
    if request.htmx and request.htmx.target == "arshjul":
        return render(request, "followup/year_wheel.html#wheel", context)
    return render(request, "followup/year_wheel.html", context)


# --- Editing occasions, steps and events ------------------------------------------


def _back_to_wheel(request, organisation, roots, year, place, text, *, error=False):
    """After a change on the wheel: the wheel with the message at `place`
    (htmx), or a redirect there with the message."""
    if request.htmx:
        return _wheel(request, organisation, roots, year, status=text, focus=place)
    (messages.error if error else messages.success)(request, text)
    return redirect(f"{wheel_url(organisation, year, roots)}#{place}")


def _page(request, template, *, title, year, year_url, back, **context):
    """A form or a confirmation of the wheel on a page of its own."""
    return render(
        request,
        template,
        {
            "nav": "followup",
            "page_title": title,
            "back": back,
            "breadcrumbs": [(_("Årshjul"), None), (str(year), year_url), (title, None)],
            **context,
        },
    )


def _edit(
    request, *, form, instance_model: GovernanceModel, title, place, save, message, saved_place=None
):
    """The shared flow of every form on the wheel: show it (inline or on a
    page), save through the service, show errors at the fields."""
    organisation = instance_model.organisation
    roots = readable_roots(request.user)
    year = instance_model.year
    back = wheel_url(organisation, year, roots)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            place = saved_place(obj) if saved_place else place
            return _back_to_wheel(request, organisation, roots, year, place, message(obj))
    if request.htmx:
        if request.method == "GET":
            _autofocus_first_field(form)
        editor = Editor(form=form, action=request.path, title=title, place=place)
        return _wheel(request, organisation, roots, year, editor=editor, focus="")
    return _page(
        request,
        "followup/occasion_form.html",
        title=title,
        year=year,
        year_url=back,
        back=f"{back}#{place}",
        form=form,
        action=request.path,
    )


def _save_occasion(request):
    def save(form):
        return services.occasion_save(
            actor=request.user,
            occasion=form.instance,
            plan_types=list(form.cleaned_data["plan_types"]),
            version=form.opened_version,
        )

    return save


@login_required
@require_http_methods(["GET", "POST"])
def occasion_create(request, pk: int):
    """A new occasion in the year's model `pk`."""
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    form = OccasionForm(request.POST or None, instance=FollowUpOccasion(model=model))
    return _edit(
        request,
        form=form,
        instance_model=model,
        title=_("Nytt uppföljningstillfälle"),
        place="nytt-tillfalle",
        saved_place=lambda o: f"tillfalle-{o.pk}",
        save=_save_occasion(request),
        message=lambda o: _("Uppföljningstillfället ”%(name)s” är skapat.") % {"name": o.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def occasion_edit(request, pk: int):
    occasion = _get_managed(request, FollowUpOccasion, ("model__organisation",), pk)
    initial = {"plan_types": list(occasion.plan_types.all())}
    form = OccasionForm(request.POST or None, instance=occasion, initial=initial)
    return _edit(
        request,
        form=form,
        instance_model=occasion.model,
        title=_("Ändra uppföljningstillfället ”%(name)s”") % {"name": occasion.title},
        place=f"tillfalle-{occasion.pk}",
        save=_save_occasion(request),
        message=lambda o: _("Uppföljningstillfället ”%(name)s” är sparat.") % {"name": o.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_create(request, pk: int):
    """A new step in the occasion `pk`."""
    occasion = _get_managed(request, FollowUpOccasion, ("model__organisation",), pk)
    form = StepForm(request.POST or None, instance=OccasionStep(occasion=occasion))
    return _edit(
        request,
        form=form,
        instance_model=occasion.model,
        title=_("Nytt steg i ”%(name)s”") % {"name": occasion.title},
        place=f"tillfalle-{occasion.pk}",
        save=lambda f: services.step_save(
            actor=request.user, step=f.instance, version=f.opened_version
        ),
        message=lambda s: _("Steget ”%(name)s” är skapat.") % {"name": s.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, pk: int):
    step = _get_managed(request, OccasionStep, ("occasion__model__organisation",), pk)
    form = StepForm(request.POST or None, instance=step)
    return _edit(
        request,
        form=form,
        instance_model=step.occasion.model,
        title=_("Ändra steget ”%(name)s”") % {"name": step.name},
        place=f"tillfalle-{step.occasion_id}",
        save=lambda f: services.step_save(
            actor=request.user, step=f.instance, version=f.opened_version
        ),
        message=lambda s: _("Steget ”%(name)s” är sparat.") % {"name": s.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, pk: int):
    """A new calendar event in the year's model `pk`."""
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    form = EventForm(request.POST or None, instance=CalendarEvent(model=model))
    return _edit(
        request,
        form=form,
        instance_model=model,
        title=_("Ny händelse"),
        place="handelser",
        save=lambda f: services.event_save(
            actor=request.user, event=f.instance, version=f.opened_version
        ),
        message=lambda e: _("Händelsen ”%(name)s” är skapad.") % {"name": e.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = _get_managed(request, CalendarEvent, ("model__organisation",), pk)
    form = EventForm(request.POST or None, instance=event)
    return _edit(
        request,
        form=form,
        instance_model=event.model,
        title=_("Ändra händelsen ”%(name)s”") % {"name": event.title},
        place="handelser",
        save=lambda f: services.event_save(
            actor=request.user, event=f.instance, version=f.opened_version
        ),
        message=lambda e: _("Händelsen ”%(name)s” är sparad.") % {"name": e.title},
    )


def _seen_version(request, obj) -> int:
    """The version of the part the user saw when choosing to delete it: as
    posted by the confirmation page, on it as given by the link they
    followed (?version=, the wheel's and the processes page's), else the
    stored one. A post without it is taken as made on nothing seen (0)."""
    raw = request.POST.get("version") if request.method == "POST" else request.GET.get("version")
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        return 0 if request.method == "POST" else obj.version


@dataclass
class Deletion:
    """What became of a delete: `deleted`, else the `error` to show, whether
    the user may confirm again (`retry`) and the version the confirmation
    page carries."""

    deleted: bool = False
    error: str = ""
    retry: bool = True
    version: int = 0
    heading: str = ""  # above the error; "Det gick inte att ta bort" without


def _changed_since_seen(noun: str, name: str, current: int, *, tried: bool) -> Deletion:
    """The confirmation page when the part was changed by someone else after
    the user saw it: it says so and asks again about what is stored now;
    `tried`, after a refused delete, else before any."""
    words = {"noun": noun.lower(), "name": name}
    if tried:
        text = _(
            "Någon annan har ändrat %(noun)s ”%(name)s” sedan du öppnade sidan, så inget togs "
            "bort. Kontrollera det som är sparat nu och ta bort igen om du fortfarande vill."
        )
        return Deletion(error=text % words, version=current)
    text = _(
        "Någon annan har ändrat %(noun)s ”%(name)s” sedan du öppnade sidan. Kontrollera "
        "det som är sparat nu och ta bort om du fortfarande vill."
    )
    return Deletion(error=text % words, version=current, heading=_("Ändrat sedan du såg det"))


def _try_delete(request, obj, *, noun: str, name: str) -> Deletion:
    """Delete `obj` on a POST, as the user saw it. Changed by someone else
    since it was seen, nothing is deleted and the page asks again about
    what is stored now; a link carrying a version that is already stale
    says so on the confirmation page at once."""
    seen = _seen_version(request, obj)
    if request.method != "POST":
        if seen != obj.version:
            return _changed_since_seen(noun, name, obj.version, tried=False)
        return Deletion(version=seen)
    try:
        services.delete_part(actor=request.user, obj=obj, version=seen)
    except EditConflict as exc:
        return _changed_since_seen(noun, name, exc.current.version, tried=True)
    except ValidationError as exc:
        return Deletion(error=" ".join(exc.messages), retry=False)
    return Deletion(deleted=True)


def _delete(request, obj, *, model: GovernanceModel, noun: str, name: str, place: str):
    roots = readable_roots(request.user)
    back = wheel_url(model.organisation, model.year, roots)
    deletion = _try_delete(request, obj, noun=noun, name=name)
    if deletion.deleted:
        messages.success(
            request, _("%(noun)s ”%(name)s” är borttagen.") % {"noun": noun, "name": name}
        )
        return redirect(f"{back}#{place}")
    title = _("Ta bort %(noun)s ”%(name)s”") % {"noun": noun.lower(), "name": name}
    return _page(
        request,
        "followup/wheel_delete.html",
        title=title,
        year=model.year,
        year_url=back,
        back=f"{back}#{place}",
        object=obj,
        deletion=deletion,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_delete(request, pk: int):
    """GET: a confirmation page; POST: delete."""
    step = _get_managed(request, OccasionStep, ("occasion__model__organisation",), pk)
    return _delete(
        request,
        step,
        model=step.occasion.model,
        noun=_("Steget"),
        name=step.name,
        place=f"tillfalle-{step.occasion_id}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_delete(request, pk: int):
    event = _get_managed(request, CalendarEvent, ("model__organisation",), pk)
    return _delete(
        request, event, model=event.model, noun=_("Händelsen"), name=event.title, place="handelser"
    )


# --- Processes and deciding bodies ------------------------------------------------


def processes_url(organisation: Unit, year: int, roots: list[Unit] | None = None) -> str:
    roots = roots if roots is not None else [organisation]
    return reverse("followup:processes", args=[year]) + org_query(organisation, roots)


@login_required
@require_safe
def processes(request, year: int):
    """ "Processer och beslutande organ": the year's processes (event
    categories, with colour and symbol) and deciding bodies, which everyone
    who reads the organisation sees; model owners change them."""
    _check_year(year)
    organisation, roots = _organisation(request)
    model = GovernanceModel.objects.filter(organisation=organisation, year=year).first()
    title = _("Processer och beslutande organ %(year)s") % {"year": year}
    back = wheel_url(organisation, year, roots)
    return render(
        request,
        "followup/processes.html",
        {
            "nav": "followup",
            "organisation": organisation,
            "roots": roots if len(roots) > 1 else [],
            "org_query": org_query(organisation, roots),
            "year": year,
            "model": model,
            "categories": list(model.event_categories.all()) if model else [],
            "bodies": list(model.deciding_bodies.all()) if model else [],
            "can_manage": access.can_manage(request.user, organisation),
            "year_url": back,
            "page_title": title,
            "breadcrumbs": [(_("Årshjul"), None), (str(year), back), (title, None)],
        },
    )


def _setting_form(request, *, form, model: GovernanceModel, title: str, save, message):
    """Create or change a process or a deciding body on a page of its own;
    back to the processes page when saved."""
    roots = readable_roots(request.user)
    back = processes_url(model.organisation, model.year, roots)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except EditConflict as exc:
            show_conflict(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message(obj))
            return redirect(back)
    return _page(
        request,
        "followup/occasion_form.html",
        title=title,
        year=model.year,
        year_url=wheel_url(model.organisation, model.year, roots),
        back=back,
        form=form,
        action=request.path,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request, pk: int):
    """A new process in the year's model `pk`."""
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    form = CategoryForm(request.POST or None, instance=EventCategory(model=model))
    return _setting_form(
        request,
        form=form,
        model=model,
        title=_("Ny process"),
        save=lambda f: services.category_save(
            actor=request.user, category=f.instance, version=f.opened_version
        ),
        message=lambda c: _("Processen ”%(name)s” är skapad.") % {"name": c.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk: int):
    category = _get_managed(request, EventCategory, ("model__organisation",), pk)
    form = CategoryForm(request.POST or None, instance=category)
    return _setting_form(
        request,
        form=form,
        model=category.model,
        title=_("Ändra processen ”%(name)s”") % {"name": category.name},
        save=lambda f: services.category_save(
            actor=request.user, category=f.instance, version=f.opened_version
        ),
        message=lambda c: _("Processen ”%(name)s” är sparad.") % {"name": c.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request, pk: int):
    """A new deciding body in the year's model `pk`."""
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    form = DecidingBodyForm(request.POST or None, instance=DecidingBody(model=model))
    return _setting_form(
        request,
        form=form,
        model=model,
        title=_("Nytt beslutande organ"),
        save=lambda f: services.deciding_body_save(
            actor=request.user, body=f.instance, version=f.opened_version
        ),
        message=lambda b: _("Det beslutande organet ”%(name)s” är skapat.") % {"name": b.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request, pk: int):
    body = _get_managed(request, DecidingBody, ("model__organisation",), pk)
    form = DecidingBodyForm(request.POST or None, instance=body)
    return _setting_form(
        request,
        form=form,
        model=body.model,
        title=_("Ändra det beslutande organet ”%(name)s”") % {"name": body.name},
        save=lambda f: services.deciding_body_save(
            actor=request.user, body=f.instance, version=f.opened_version
        ),
        message=lambda b: _("Det beslutande organet ”%(name)s” är sparat.") % {"name": b.name},
    )


def _delete_setting(request, obj, *, noun: str):
    model = obj.model
    roots = readable_roots(request.user)
    back = processes_url(model.organisation, model.year, roots)
    deletion = _try_delete(request, obj, noun=noun, name=obj.name)
    if deletion.deleted:
        messages.success(
            request, _("%(noun)s ”%(name)s” är borttagen.") % {"noun": noun, "name": obj.name}
        )
        return redirect(back)
    return _page(
        request,
        "followup/wheel_delete.html",
        title=_("Ta bort %(noun)s ”%(name)s”") % {"noun": noun.lower(), "name": obj.name},
        year=model.year,
        year_url=wheel_url(model.organisation, model.year, roots),
        back=back,
        object=obj,
        deletion=deletion,
        note=_("Händelserna finns kvar, utan %(noun)s.") % {"noun": noun.lower()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_delete(request, pk: int):
    """GET: a confirmation page; POST: delete (the events keep no process)."""
    category = _get_managed(request, EventCategory, ("model__organisation",), pk)
    return _delete_setting(request, category, noun=_("Processen"))


@login_required
@require_http_methods(["GET", "POST"])
def body_delete(request, pk: int):
    body = _get_managed(request, DecidingBody, ("model__organisation",), pk)
    return _delete_setting(request, body, noun=_("Organet"))


@login_required
@require_POST
def processes_defaults(request, pk: int):
    """ "Lägg till standardprocesserna" to the year's model `pk`."""
    model = _get_managed(request, GovernanceModel, ("organisation",), pk)
    added = services.wheel_defaults_add(actor=request.user, model=model)
    if added:
        messages.success(
            request,
            ngettext(
                "%(n)s process eller beslutande organ lades till.",
                "%(n)s processer och beslutande organ lades till.",
                added,
            )
            % {"n": added},
        )
    else:
        messages.success(request, _("Standardprocesserna och organen fanns redan."))
    return redirect(processes_url(model.organisation, model.year, readable_roots(request.user)))


# --- Opening, closing and reopening ----------------------------------------------


def _done(request, occasion: FollowUpOccasion, text: str, *, error: bool = False):
    model = occasion.model
    roots = readable_roots(request.user)
    place = f"tillfalle-{occasion.pk}"
    return _back_to_wheel(request, model.organisation, roots, model.year, place, text, error=error)


@login_required
@require_POST
def occasion_open(request, pk: int):
    """ "Öppna uppföljningen": a worker creates the tasks that are missing
    (opening.order); the wheel shows how far it has come."""
    occasion = _get_managed(request, FollowUpOccasion, ("model__organisation",), pk)
    try:
        job = opening.order(actor=request.user, occasion=occasion)
    except ValidationError as exc:
        return _done(request, occasion, " ".join(exc.messages), error=True)
    if job.is_active:
        text = _("”%(name)s” öppnas. Uppgifterna skapas i bakgrunden.") % {"name": occasion.title}
    else:  # done at once (a worker was quick)
        text = job.message
    return _done(request, occasion, text)


@login_required
@require_safe
def occasion_opening(request, pk: int):
    """How far opening the occasion has come (polled by the wheel)."""
    occasion = _get_managed(request, FollowUpOccasion, ("model__organisation",), pk)
    job = opening.latest([occasion]).get(occasion.pk)
    return render(request, "followup/_occasion_opening.html", {"occ": occasion, "job": job})


@login_required
@require_POST
def occasion_close(request, pk: int):
    """ "Stäng", or with reopen=1 "Öppna igen"."""
    occasion = _get_managed(request, FollowUpOccasion, ("model__organisation",), pk)
    closed = request.POST.get("reopen") != "1"
    try:
        services.occasion_close(actor=request.user, occasion=occasion, closed=closed)
    except ValidationError as exc:
        return _done(request, occasion, " ".join(exc.messages), error=True)
    if closed:
        text = _("”%(name)s” är stängd. Rapporterna är låsta.") % {"name": occasion.title}
    else:
        text = _("”%(name)s” är öppen igen.") % {"name": occasion.title}
    return _done(request, occasion, text)


@login_required
@require_http_methods(["GET", "POST"])
def task_reopen(request, pk: int):
    """ "Öppna igen till och med <datum>" on one task (`pk`). GET shows the
    form on a page of its own; the wheel posts to it directly."""
    task = access.get_or_404(
        request.user,
        ReportingTask.objects.select_related("unit", "occasion__model__organisation"),
        access.Action.MANAGE,
        pk=pk,
    )
    today = timezone.localdate()
    occasion = task.occasion
    organisation = occasion.model.organisation
    roots = readable_roots(request.user)
    back = wheel_url(organisation, occasion.model.year, roots) + f"#tillfalle-{occasion.pk}"
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = next_url
    form = TaskReopenForm(
        request.POST or None,
        today=today,
        initial={"until": today + datetime.timedelta(days=7)},
        auto_id=f"id_reopen_{task.pk}_%s",
    )
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["until"]
        try:
            services.task_reopen(actor=request.user, task=task, until=until)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Uppgiften ”%(name)s” är öppen igen till och med %(date)s.")
                % {"name": task.title, "date": until.isoformat()},
            )
            return redirect(back)
    title = _("Öppna uppgiften ”%(name)s” igen") % {"name": task.title}
    return _page(
        request,
        "followup/occasion_form.html",
        title=title,
        year=occasion.model.year,
        year_url=wheel_url(organisation, occasion.model.year, roots),
        back=back,
        form=form,
        action=request.path,
        next=back,
        submit_label=_("Öppna igen"),
    )


# --- Copying the year wheel from another year -----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def wheel_copy_from(request, year: int):
    """ "Kopiera årshjulet från …" into the year `year` (whose model exists):
    choose a year, see what will be copied with the old and new dates and
    what is skipped (GET with source_year), then copy (POST)."""
    _check_year(year)
    organisation, roots = _organisation(request)
    if not access.can_manage(request.user, organisation):
        raise PermissionDenied
    target = GovernanceModel.objects.filter(organisation=organisation, year=year).first()
    if target is None:
        raise Http404
    target.organisation = organisation
    models = {
        m.year: m
        for m in GovernanceModel.objects.filter(organisation=organisation)
        .exclude(pk=target.pk)
        .order_by("-year")
    }
    data = request.POST if request.method == "POST" else request.GET
    form = WheelCopyForm(data if "source_year" in data else None, years=list(models))
    back = wheel_url(organisation, year, roots)
    preview = None
    if form.is_bound and form.is_valid():
        source = models[form.cleaned_data["source_year"]]
        source.organisation = organisation
        if request.method == "POST":
            try:
                done = services.wheel_copy_from(actor=request.user, source=source, target=target)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _copied_text(done))
                return redirect(f"{back}#tillfallen")
        preview = wheel_copy.plan(source, year, target)
    title = _("Kopiera årshjulet till %(year)s") % {"year": year}
    return _page(
        request,
        "followup/wheel_copy.html",
        title=title,
        year=year,
        year_url=back,
        back=back,
        form=form,
        wheel_copy=preview,
        organisation=organisation,
        org_query=org_query(organisation, roots),
        target_year=year,
    )


def _copied_text(done: wheel_copy.WheelCopy) -> str:
    n_occasions, n_events = len(done.copied_occasions), len(done.copied_events)
    text = _(
        "Årshjulet är kopierat från %(source)s: %(occasions)s, %(steps)s steg och %(events)s."
    ) % {
        "source": done.source_year,
        "occasions": ngettext(
            "%(n)s uppföljningstillfälle", "%(n)s uppföljningstillfällen", n_occasions
        )
        % {"n": n_occasions},
        "steps": done.copied_steps,
        "events": ngettext("%(n)s händelse", "%(n)s händelser", n_events) % {"n": n_events},
    }
    skipped = len(done.skipped_occasions) + len(done.skipped_events)
    if skipped:
        text += " " + _("%(n)s fanns redan och hoppades över.") % {"n": skipped}
    return text


# --- URLs (to be mounted under "uppfoljning/" with namespace "followup") ------------

WHEEL_URLS = [
    path("arshjul/", wheel_index, name="year_wheel_index"),
    path("arshjul/<int:year>/", year_wheel, name="year_wheel"),
    path("arshjul/<int:year>/kopiera/", wheel_copy_from, name="wheel_copy_from"),
    path("arshjul/modell/<int:pk>/tillfalle/nytt/", occasion_create, name="occasion_create"),
    path("arshjul/tillfalle/<int:pk>/andra/", occasion_edit, name="occasion_edit"),
    path("arshjul/tillfalle/<int:pk>/oppna/", occasion_open, name="occasion_open"),
    path("arshjul/tillfalle/<int:pk>/oppnas/", occasion_opening, name="occasion_opening"),
    path("arshjul/tillfalle/<int:pk>/stang/", occasion_close, name="occasion_close"),
    path("arshjul/tillfalle/<int:pk>/steg/nytt/", step_create, name="step_create"),
    path("arshjul/steg/<int:pk>/andra/", step_edit, name="step_edit"),
    path("arshjul/steg/<int:pk>/ta-bort/", step_delete, name="step_delete"),
    path("arshjul/modell/<int:pk>/handelse/ny/", event_create, name="event_create"),
    path("arshjul/handelse/<int:pk>/andra/", event_edit, name="event_edit"),
    path("arshjul/handelse/<int:pk>/ta-bort/", event_delete, name="event_delete"),
    path("uppgifter/<int:pk>/oppna-igen/", task_reopen, name="task_reopen"),
    path("arshjul/<int:year>/processer/", processes, name="processes"),
    path("arshjul/modell/<int:pk>/process/ny/", category_create, name="category_create"),
    path("arshjul/process/<int:pk>/andra/", category_edit, name="category_edit"),
    path("arshjul/process/<int:pk>/ta-bort/", category_delete, name="category_delete"),
    path("arshjul/modell/<int:pk>/organ/nytt/", body_create, name="body_create"),
    path("arshjul/organ/<int:pk>/andra/", body_edit, name="body_edit"),
    path("arshjul/organ/<int:pk>/ta-bort/", body_delete, name="body_delete"),
    path(
        "arshjul/modell/<int:pk>/standardprocesser/",
        processes_defaults,
        name="processes_defaults",
    ),
]
