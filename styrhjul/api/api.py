"""The REST API, version 1 (/api/v1/), built with django-ninja: the OpenAPI
document comes from these functions and their schemas (docs/api.md).

Reads go through the one access policy (organisation/access.py): a list
holds only what the caller may read, and an object they may not read
answers 404 exactly as one that does not exist."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AliasPath, Field

from styrhjul.core.concurrency import EditConflict
from styrhjul.followup import review
from styrhjul.followup import services as followup
from styrhjul.followup.models import FollowUpOccasion, Report, ReportingTask
from styrhjul.model.models import ScaleValue
from styrhjul.organisation import access
from styrhjul.planning.models import Item, ItemShare, Plan

from .auth import SessionAuth, TokenAuth
from .common import Id, Row, Year
from .common import paged as _paged
from .problems import Problem, problem, with_problems


def _docs_for_logged_in_users(view):
    """The OpenAPI document and the interactive docs: read (GET) by
    logged-in users only."""
    return login_required(require_safe(view))


class StyrhjulAPI(NinjaAPI):
    """The API, whose OpenAPI document also states its errors: every
    operation may answer problem+json (problems.PROBLEM_SCHEMA) with the
    statuses of problems.STATUSES, as docs/api.md lists them."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return with_problems(schema)


api = StyrhjulAPI(
    title="Styrhjul API",
    version="1",
    description=(
        "Läs organisationens enheter, styrmodell, uppföljningstillfällen, uppgifter, "
        "planer, poster, rapporter, nyckeltalsvärden, målvärden, dokument och ekonomi; "
        "spara rapporter, poster, planer och nyckeltalsvärden i mängd och beställ dokument. "
        "Logga in med en API-nyckel (Authorization: Bearer …) som du skapar under "
        "Konto → API-nycklar, eller med din inloggning i webbläsaren."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_decorator=_docs_for_logged_in_users,
)


# --- Errors: problem+json ---------------------------------------------------------------


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem(exc.status, exc.detail, headers=exc.headers, **exc.extra)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, "Det finns inget sådant, eller så får du inte läsa det.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(403, "Du får inte göra det här.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(401, "Logga in, eller ange en API-nyckel: 'Authorization: Bearer <nyckel>'.")


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return problem(422, "Uppgifterna i anropet är felaktiga.", errors=errors)


@api.exception_handler(ValidationError)
def _invalid_data(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(m)}
            for field, messages in exc.message_dict.items()
            for m in messages
        ]
    else:
        errors = [{"field": "", "message": str(m)} for m in exc.messages]
    return problem(422, "; ".join(e["message"] for e in errors), errors=errors)


@api.exception_handler(EditConflict)
def _conflict(request, exc: EditConflict):
    return problem(409, str(exc))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        return problem(403, "CSRF-kontrollen misslyckades. Skicka med sidans CSRF-token.")
    return problem(exc.status_code, str(exc))


# --- Organisation units -------------------------------------------------------------------


class UnitOut(Row):
    id: int
    name: str
    code: str
    parent_id: int | None
    # The unit type's name, read from the unit's unit_type (select_related).
    unit_type: str = Field(validation_alias=AliasPath("unit_type", "name"))
    valid_from: datetime.date
    valid_to: datetime.date | None


class UnitFilter(Schema):
    year: Year | None = None
    parent: Id | None = None
    code: str | None = None


def _units(user):
    return access.units(user).select_related("unit_type")


@api.get("/enheter", response=list[UnitOut], url_name="units", tags=["Organisation"])
@_paged()
def unit_list(request, filters: Query[UnitFilter]):
    """Enheterna du får läsa; `year` ger de som fanns det året."""
    units = _units(request.user)
    if filters.year is not None:
        units = units.valid_in_year(filters.year)
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    if filters.code is not None:
        units = units.filter(code=filters.code)
    return units


@api.get("/enheter/{unit_id}", response=UnitOut, url_name="unit", tags=["Organisation"])
def unit_detail(request, unit_id: Id):
    return access.get_or_404(request.user, _units(request.user), pk=unit_id)


# --- Follow-up occasions ------------------------------------------------------------------


class OccasionOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    year: int
    organisation_id: Id
    period_end: datetime.date
    plan_type_ids: list[int]

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.model.year

    @staticmethod
    def resolve_organisation_id(obj) -> int:
        return obj.model.organisation_id

    @staticmethod
    def resolve_plan_type_ids(obj) -> list[int]:
        return [p.pk for p in obj.plan_types.all()]


class OccasionFilter(Schema):
    year: Year | None = None
    status: str | None = None
    kind: str | None = None


def _occasions(user):
    """The årshjul is read by everyone with a grant in the organisation."""
    occasions = FollowUpOccasion.objects.select_related("model").prefetch_related("plan_types")
    ids = access.organisation_ids(user)
    if ids is not None:
        occasions = occasions.filter(model__organisation_id__in=ids)
    return occasions


@api.get(
    "/uppfoljningstillfallen",
    response=list[OccasionOut],
    url_name="occasions",
    tags=["Uppföljning"],
)
@_paged()
def occasion_list(request, filters: Query[OccasionFilter]):
    """Uppföljningstillfällena i de organisationer du har behörighet i."""
    occasions = _occasions(request.user)
    if filters.year is not None:
        occasions = occasions.filter(model__year=filters.year)
    if filters.status is not None:
        occasions = occasions.filter(status=filters.status)
    if filters.kind is not None:
        occasions = occasions.filter(kind=filters.kind)
    return occasions


@api.get(
    "/uppfoljningstillfallen/{occasion_id}",
    response=OccasionOut,
    url_name="occasion",
    tags=["Uppföljning"],
)
def occasion_detail(request, occasion_id: Id):
    return access.get_or_404(request.user, _occasions(request.user), pk=occasion_id)


# --- Plans and items ----------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    unit_id: Id
    plan_type_id: Id
    plan_type: str
    year: int

    @staticmethod
    def resolve_plan_type(obj) -> str:
        return obj.plan_type.name

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.plan_type.model.year


class PlanFilter(Schema):
    year: Year | None = None
    unit: Id | None = None


def _plans(user):
    plans = Plan.objects.select_related("plan_type__model")
    return access.visible_to(user, plans, unit_field="unit")


@api.get("/planer", response=list[PlanOut], url_name="plans", tags=["Planering"])
@_paged()
def plan_list(request, filters: Query[PlanFilter]):
    """Planerna för enheterna du får läsa."""
    plans = _plans(request.user)
    if filters.year is not None:
        plans = plans.filter(plan_type__model__year=filters.year)
    if filters.unit is not None:
        plans = plans.filter(unit_id=filters.unit)
    return plans


@api.get("/planer/{plan_id}", response=PlanOut, url_name="plan", tags=["Planering"])
def plan_detail(request, plan_id: Id):
    return access.get_or_404(request.user, _plans(request.user), pk=plan_id)


class ItemOut(Schema):
    id: int
    plan_id: Id
    unit_id: Id
    kind: str
    number: str
    title: str
    description: str
    perspective: str | None
    level: str | None
    responsible: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    archived_at: datetime.datetime | None
    version: int
    contributes_to: list[int]
    shared_to: list[int]

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.plan.unit_id

    @staticmethod
    def resolve_perspective(obj) -> str | None:
        return obj.perspective.name if obj.perspective else None

    @staticmethod
    def resolve_level(obj) -> str | None:
        return obj.level.name if obj.level else None

    @staticmethod
    def resolve_responsible(obj) -> str:
        if obj.responsible is not None:
            return obj.responsible.get_full_name() or obj.responsible.username
        return obj.responsible_text

    @staticmethod
    def resolve_contributes_to(obj) -> list[int]:
        return [link.target_id for link in obj.links_up.all()]

    @staticmethod
    def resolve_shared_to(obj) -> list[int]:
        return [share.unit_id for share in obj.shares.all()]


class ItemFilter(Schema):
    year: Year | None = None
    plan: Id | None = None
    unit: Id | None = None
    kind: str | None = None
    archived: bool = False


def _with_related(items):
    """What an item is written out with."""
    return items.select_related("plan", "perspective", "level", "responsible").prefetch_related(
        "links_up",
        Prefetch("shares", queryset=ItemShare.objects.filter(ended_at__isnull=True)),
    )


def _items(user):
    return _with_related(Item.objects.restrict(user))


def _item_rows(ids: list[int]):
    """A page of items found by item_list, by id."""
    return _with_related(Item.objects.filter(pk__in=ids))


@api.get("/poster", response=list[ItemOut], url_name="items", tags=["Planering"])
@_paged(rows=_item_rows)
def item_list(request, filters: Query[ItemFilter]):
    """Posterna (mål, nyckeltal, aktiviteter, kontrollmoment, uppdrag) du får
    läsa: de egna enheternas, målen och nyckeltalen de arbetar mot och
    poster som delats till dem. Arkiverade poster med `archived=true`."""
    items = _items(request.user)
    items = items.filter(archived_at__isnull=not filters.archived)
    if filters.year is not None:
        items = items.filter(plan__plan_type__model__year=filters.year)
    if filters.plan is not None:
        items = items.filter(plan_id=filters.plan)
    if filters.unit is not None:
        items = items.filter(plan__unit_id=filters.unit)
    if filters.kind is not None:
        items = items.filter(kind=filters.kind)
    return items


@api.get("/poster/{item_id}", response=ItemOut, url_name="item", tags=["Planering"])
def item_detail(request, item_id: Id):
    return access.get_or_404(request.user, _items(request.user), pk=item_id)


# --- Reports: read and write with the version as ETag ---------------------------------------


class ReportOut(Schema):
    task_id: Id
    item_id: Id
    version: int
    status_id: Id | None = None
    completion: int | None = None
    assessment_id: Id | None = None
    comment: str = ""
    analysis: str = ""
    measures: str = ""
    measures_responsible: str = ""
    measures_due: datetime.date | None = None
    review_comment: str = ""


class ReportIn(Schema):
    status_id: Id | None = None
    completion: int | None = None
    assessment_id: Id | None = None
    comment: str = ""
    analysis: str = ""
    measures: str = ""
    measures_responsible: str = ""
    measures_due: datetime.date | None = None


REPORT_FIELDS = (
    "status_id",
    "completion",
    "assessment_id",
    "comment",
    "analysis",
    "measures",
    "measures_responsible",
    "measures_due",
)


def _task_and_item(user, task_id: Id, item_id: Id):
    """The task (read through the policy) and one of the items it reports on;
    404 for either, whether missing or not readable."""
    task = access.get_or_404(
        user, ReportingTask.objects.select_related("occasion__model", "unit"), pk=task_id
    )
    item = next(iter(followup.task_items(task, item_ids=[item_id])), None)
    if item is None:
        raise Http404
    return task, item


def _report_out(task, item, report: Report | None) -> dict:
    """The report as the API shows it, with the reviewer's comment at the
    item while the task is sent back (followup.review.item_comments)."""
    out = {"task_id": task.pk, "item_id": item.pk, "version": 0}
    out["review_comment"] = review.item_comments(task).get(item.pk, "")
    if report is not None:
        out["version"] = report.version
        out.update({name: getattr(report, name) for name in REPORT_FIELDS})
    return out


def _with_etag(response, version: int):
    response["ETag"] = f'"{version}"'
    return response


@api.get(
    "/rapporter/{task_id}/{item_id}",
    response=ReportOut,
    url_name="report",
    tags=["Uppföljning"],
)
def report_detail(request, response: HttpResponse, task_id: Id, item_id: Id):
    """En posts rapport i en uppgift. Versionen står också i ETag; skicka
    den i If-Match när du sparar. Version 0: inte rapporterad än.
    `review_comment`: granskarens kommentar vid posten när uppgiften är
    skickad tillbaka."""
    task, item = _task_and_item(request.user, task_id, item_id)
    report = Report.objects.filter(occasion=task.occasion, unit=task.unit, item=item).first()
    out = _report_out(task, item, report)
    _with_etag(response, out["version"])
    return out


def _version_from(if_match: str | None) -> int:
    if not if_match:
        raise Problem(
            428,
            'Ange versionen du läste i If-Match (ETag från GET, "0" för en ny rapport).',
        )
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise Problem(412, 'If-Match ska vara rapportens version, t.ex. "3".')
    return int(value)


def _scale_value(value_id: int | None, field: str):
    if value_id is None:
        return None
    found = ScaleValue.objects.filter(pk=value_id).first()
    if found is None:
        raise ValidationError({field: "Välj ett värde ur planens skala."})
    return found


@api.put(
    "/rapporter/{task_id}/{item_id}",
    response={200: ReportOut},
    url_name="report_save",
    tags=["Uppföljning"],
)
def report_save(request, response: HttpResponse, task_id: Id, item_id: Id, data: ReportIn):
    """Spara en posts rapport, som på rapporteringssidan. Kräver If-Match med
    versionen du läste; har någon annan sparat sedan dess blir svaret 409
    med rapporten som den är sparad nu."""
    task, item = _task_and_item(request.user, task_id, item_id)
    version = _version_from(request.headers.get("If-Match"))
    report_data = followup.ReportData(
        status=_scale_value(data.status_id, "status_id"),
        completion=data.completion,
        assessment=_scale_value(data.assessment_id, "assessment_id"),
        comment=data.comment,
        analysis=data.analysis,
        measures=data.measures,
        measures_responsible=data.measures_responsible,
        measures_due=data.measures_due,
    )
    try:
        report = followup.report_save(
            actor=request.user, task=task, item=item, data=report_data, version=version
        )
    except EditConflict as conflict:
        current = _report_out(task, item, conflict.current)
        raise Problem(409, str(conflict), current=current) from None
    out = _report_out(task, item, report)
    _with_etag(response, out["version"])
    return out


# --- The other parts of the API ---------------------------------------------------------------

# They add their operations to `api`, after the schemas and errors above.
from . import breakdowns, economy, published, read, write  # noqa: E402, F401
