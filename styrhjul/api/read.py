"""The API's reads beyond units, occasions, plans, items and one report: the
styrmodell, tasks with their progress, reports, indicator values and
targets, documents and their jobs, and a unit's economy.

Each list holds only what the caller may read (organisation/access.py), in
a fixed number of queries per page; an object they may not read answers 404
like one that does not exist."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Query, Schema

from styrhjul.documents.models import DocumentJob, JobStatus
from styrhjul.documents.registry import CONTENT_TYPES
from styrhjul.economy import queries as economy
from styrhjul.followup import readmodel
from styrhjul.followup.models import Forecast, Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import GovernanceModel, Scale
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import IndicatorTarget, Item

from .api import api
from .common import Id, Row, Year, paged

# --- The styrmodell ------------------------------------------------------------------------


class PerspectiveOut(Schema):
    id: int
    name: str
    description: str
    order: int


class LevelOut(Schema):
    id: int
    name: str
    order: int
    assesses: bool


class ScaleValueOut(Schema):
    id: int
    label: str
    symbol: str
    colour: str
    order: int
    counts_as_done: bool
    comment_required: bool


class ScaleOut(Schema):
    id: int
    kind: str
    name: str
    values: list[ScaleValueOut]

    @staticmethod
    def resolve_values(obj) -> list:
        return list(obj.values.all())


class PlanTypeOut(Schema):
    id: int
    name: str
    order: int
    item_kinds: list[str]


class ModelOut(Schema):
    id: int
    organisation_id: Id
    year: int


class ModelDetailOut(ModelOut):
    perspectives: list[PerspectiveOut]
    levels: list[LevelOut]
    plan_types: list[PlanTypeOut]
    scales: list[ScaleOut]

    @staticmethod
    def resolve_perspectives(obj) -> list:
        return list(obj.perspectives.all())

    @staticmethod
    def resolve_levels(obj) -> list:
        return list(obj.levels.all())

    @staticmethod
    def resolve_plan_types(obj) -> list:
        return list(obj.plan_types.all())

    @staticmethod
    def resolve_scales(obj) -> list:
        return list(obj.scales.all())


class ModelFilter(Schema):
    year: Year | None = None
    organisation: Id | None = None


def _models(user):
    """The styrmodell is read by everyone with a grant in the organisation."""
    models = GovernanceModel.objects.all()
    ids = access.organisation_ids(user)
    if ids is not None:
        models = models.filter(organisation_id__in=ids)
    return models


@api.get("/styrmodeller", response=list[ModelOut], url_name="models", tags=["Styrmodell"])
@paged()
def model_list(request, filters: Query[ModelFilter]):
    """Styrmodellerna (ett per organisation och år) i de organisationer du har
    behörighet i."""
    models = _models(request.user)
    if filters.year is not None:
        models = models.filter(year=filters.year)
    if filters.organisation is not None:
        models = models.filter(organisation_id=filters.organisation)
    return models


@api.get(
    "/styrmodeller/{model_id}",
    response=ModelDetailOut,
    url_name="model",
    tags=["Styrmodell"],
)
def model_detail(request, model_id: Id):
    """Ett års styrmodell: perspektiv, nivåer, plantyper och skalor med värden."""
    models = _models(request.user).prefetch_related(
        "perspectives",
        "levels",
        "plan_types",
        Prefetch("scales", queryset=Scale.objects.prefetch_related("values")),
    )
    return access.get_or_404(request.user, models, pk=model_id)


# --- Tasks with their progress -------------------------------------------------------------


class TaskOut(Schema):
    id: int
    occasion_id: Id
    unit_id: Id
    plan_type_id: int | None
    kind: str
    name: str
    reporter_id: int | None
    deadline: datetime.date | None
    done_at: datetime.datetime | None
    reported: int
    total: int
    progress: str
    version: int
    review_state: str | None
    review_state_label: str
    review_comment: str
    reviewed_at: datetime.datetime | None
    reviewed_by: str | None

    @staticmethod
    def resolve_review_state(obj) -> str | None:
        return readmodel.review_state(obj)

    @staticmethod
    def resolve_review_state_label(obj) -> str:
        return str(readmodel.REVIEW_LABELS.get(readmodel.review_state(obj), ""))

    @staticmethod
    def resolve_review_comment(obj) -> str:
        return obj.review_comment if _decided(obj) else ""

    @staticmethod
    def resolve_reviewed_at(obj) -> datetime.datetime | None:
        return obj.reviewed_at if _decided(obj) else None

    @staticmethod
    def resolve_reviewed_by(obj) -> str | None:
        if not _decided(obj) or obj.reviewed_by is None:
            return None
        return obj.reviewed_by.get_full_name() or obj.reviewed_by.username

    @staticmethod
    def resolve_reported(obj) -> int:
        return obj.api_progress[0]

    @staticmethod
    def resolve_total(obj) -> int:
        return obj.api_progress[1]

    @staticmethod
    def resolve_progress(obj) -> str:
        return readmodel.progress_text(obj, *obj.api_progress)


class TaskFilter(Schema):
    occasion: Id | None = None
    unit: Id | None = None
    done: bool | None = None
    awaiting_review: bool | None = None


def _decided(task: ReportingTask) -> bool:
    """The task's review decision stands (Godkänd or Skickad tillbaka, by
    readmodel.review_state): its comment and when it was made are shown."""
    return readmodel.review_state(task) in (readmodel.APPROVED, readmodel.SENT_BACK)


def _with_progress(tasks: list[ReportingTask]) -> None:
    """Every task's progress (reported, total) as the overview counts it, for
    a whole page at once."""
    progress = readmodel.task_progress(tasks)
    for task in tasks:
        task.api_progress = progress.get(task.pk, (0, 0))


def _page_progress(tasks: list[ReportingTask]) -> None:
    """_with_progress for a page of the list. A page of one occasion's tasks
    (the usual page: an occasion's tasks are made together, and the list is
    in their order) is counted in the database as the overview counts it
    (readmodel.task_counts, two queries), without reading every item, report
    and outcome of the page's units; a page over several occasions is read
    as _with_progress does, in a fixed number of queries however many
    occasions."""
    occasions = {task.occasion_id for task in tasks}
    if len(occasions) != 1:
        _with_progress(tasks)
        return
    counted = readmodel.task_counts(tasks[0].occasion, tasks)
    for task in tasks:
        done, _begun, total = counted.get(task.pk, (0, 0, 0))
        task.api_progress = (done, total)


def _tasks(user):
    return ReportingTask.objects.restrict(user).select_related(
        "occasion", "step", "plan_type", "reviewed_by"
    )


@api.get("/uppgifter", response=list[TaskOut], url_name="tasks", tags=["Uppföljning"])
@paged(after=_page_progress)
def task_list(request, filters: Query[TaskFilter]):
    """Rapporteringsuppgifterna för enheterna du får läsa, med hur många
    poster som är rapporterade (`reported` av `total`, i ord i `progress`)
    och granskningen (`review_state`: `vantar_pa_granskning`, `godkand`,
    `skickad_tillbaka` eller null, med granskarens kommentar och när).
    `awaiting_review=true`: de som väntar på granskning."""
    tasks = _tasks(request.user)
    if filters.occasion is not None:
        tasks = tasks.filter(occasion_id=filters.occasion)
    if filters.unit is not None:
        tasks = tasks.filter(unit_id=filters.unit)
    if filters.done is not None:
        tasks = tasks.filter(done_at__isnull=not filters.done)
    if filters.awaiting_review is not None:
        waiting = readmodel.awaiting_review_filter()
        tasks = tasks.filter(waiting) if filters.awaiting_review else tasks.exclude(waiting)
    return tasks


@api.get("/uppgifter/{task_id}", response=TaskOut, url_name="task", tags=["Uppföljning"])
def task_detail(request, response: HttpResponse, task_id: Id):
    """En uppgift; dess `version` står också i ETag (If-Match när du granskar)."""
    task = access.get_or_404(request.user, _tasks(request.user), pk=task_id)
    _with_progress([task])
    response["ETag"] = f'"{task.version}"'
    return task


# --- Reports ---------------------------------------------------------------------------------


class ReportRowOut(Schema):
    id: int
    occasion_id: Id
    unit_id: Id
    item_id: Id
    version: int
    status_id: int | None
    completion: int | None
    assessment_id: int | None
    comment: str
    analysis: str
    measures: str
    measures_responsible: str
    measures_due: datetime.date | None


class ReportFilter(Schema):
    occasion: Id | None = None
    unit: Id | None = None
    item: Id | None = None


@api.get("/rapporter", response=list[ReportRowOut], url_name="reports", tags=["Uppföljning"])
@paged()
def report_list(request, filters: Query[ReportFilter]):
    """De sparade rapporterna för enheterna du får läsa. En enskild rapport
    med sin version som ETag: `/rapporter/{uppgift}/{post}`."""
    reports = access.visible_to(request.user, Report.objects.all(), unit_field="unit")
    if filters.occasion is not None:
        reports = reports.filter(occasion_id=filters.occasion)
    if filters.unit is not None:
        reports = reports.filter(unit_id=filters.unit)
    if filters.item is not None:
        reports = reports.filter(item_id=filters.item)
    return reports


# --- Indicator values and targets ------------------------------------------------------------


class ValueOut(Row):
    id: int
    item_id: Id
    unit_id: Id
    year: int
    period: str
    value: Decimal | None
    value_women: Decimal | None
    value_men: Decimal | None
    note: str
    source: str
    updated_at: datetime.datetime | None


class ValueFilter(Schema):
    item: Id | None = None
    unit: Id | None = None
    year: Year | None = None
    period: str | None = None


def _values(user):
    """A unit's values are read by whoever reads the unit."""
    return access.visible_to(user, IndicatorValue.objects.all(), unit_field="unit")


@api.get("/nyckeltalsvarden", response=list[ValueOut], url_name="values", tags=["Nyckeltal"])
@paged()
def value_list(request, filters: Query[ValueFilter]):
    """Utfallen (nyckeltalsvärdena) för enheterna du får läsa. `period` är tom
    för helår, annars t.ex. `2025-08`."""
    values = _values(request.user)
    if filters.item is not None:
        values = values.filter(item_id=filters.item)
    if filters.unit is not None:
        values = values.filter(unit_id=filters.unit)
    if filters.year is not None:
        values = values.filter(year=filters.year)
    if filters.period is not None:
        values = values.filter(period=filters.period)
    return values


class TargetOut(Schema):
    id: int
    item_id: Id
    year: int
    value: Decimal


class TargetFilter(Schema):
    item: Id | None = None
    year: Year | None = None


@api.get("/malvarden", response=list[TargetOut], url_name="targets", tags=["Nyckeltal"])
@paged()
def target_list(request, filters: Query[TargetFilter]):
    """Målvärdena per år för nyckeltalen du får läsa."""
    targets = IndicatorTarget.objects.filter(item__in=Item.objects.restrict(request.user))
    if filters.item is not None:
        targets = targets.filter(item_id=filters.item)
    if filters.year is not None:
        targets = targets.filter(year=filters.year)
    return targets


# --- Documents and their jobs ------------------------------------------------------------------


class JobOut(Schema):
    id: int
    unit_id: Id
    occasion_id: Id
    document: str
    fmt: str
    status: str
    progress: int
    message: str
    title: str
    filename: str
    size: int
    requested_at: datetime.datetime
    finished_at: datetime.datetime | None
    download: str | None

    @staticmethod
    def resolve_download(obj) -> str | None:
        if obj.status != JobStatus.DONE:
            return None
        return reverse("api:document_download", args=[obj.pk])


class JobFilter(Schema):
    unit: Id | None = None
    occasion: Id | None = None
    status: str | None = None


def documents_of(user):
    """The documents the user reads: those of units read with their whole
    part of the tree (access.can_read_tree, as the documents page)."""
    jobs = DocumentJob.objects.defer("data")
    ids = access.tree_unit_ids(user)
    if ids is not None:
        jobs = jobs.filter(unit_id__in=ids)
    return jobs


def document_or_404(user, job_id: Id, with_data: bool = False) -> DocumentJob:
    jobs = documents_of(user)
    if with_data:
        jobs = jobs.defer(None)
    job = jobs.select_related("unit").filter(pk=job_id).first()
    if job is None or not access.can_read_tree(user, job.unit):
        raise Http404
    return job


@api.get("/dokument", response=list[JobOut], url_name="documents", tags=["Dokument"])
@paged(ordering=("-pk",))
def document_list(request, filters: Query[JobFilter]):
    """Dokumenten (beställda och gjorda) för enheterna du läser med allt under
    dem, senaste först. `download` är adressen till filen när den är klar."""
    jobs = documents_of(request.user)
    if filters.unit is not None:
        jobs = jobs.filter(unit_id=filters.unit)
    if filters.occasion is not None:
        jobs = jobs.filter(occasion_id=filters.occasion)
    if filters.status is not None:
        jobs = jobs.filter(status=filters.status)
    return jobs


@api.get("/dokument/{job_id}", response=JobOut, url_name="document", tags=["Dokument"])
def document_detail(request, job_id: Id):
    """Ett dokument och hur långt det har kommit (`status`, `progress` i %)."""
    return document_or_404(request.user, job_id)


@api.get(
    "/dokument/{job_id}/fil",
    url_name="document_download",
    tags=["Dokument"],
    response={200: bytes},
    openapi_extra={
        "responses": {
            200: {
                "description": "Filen",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}}
                    for t in sorted(set(CONTENT_TYPES.values()))
                },
            }
        }
    },
)
def document_download(request, job_id: Id):
    """Hämta filen när dokumentet är klart; 404 innan dess."""
    job = document_or_404(request.user, job_id, with_data=True)
    if job.status != JobStatus.DONE or job.data is None:
        raise Http404
    response = HttpResponse(bytes(job.data), content_type=CONTENT_TYPES[job.fmt])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


# --- The economy -----------------------------------------------------------------------------


class EconomyRowOut(Schema):
    row_id: int | None
    name: str
    is_total: bool
    budget: list[Decimal]
    utfall: list[Decimal | None]
    forecast: Decimal | None


class EconomyOut(Schema):
    unit_id: Id
    year_start: datetime.date | None
    months: list[datetime.date]
    months_with_utfall: int
    budget_version_id: int | None
    forecast_occasion_id: int | None
    rows: list[EconomyRowOut]


class EconomyFilter(Schema):
    year_start: datetime.date | None = None


@api.get("/ekonomi/{unit_id}", response=EconomyOut, url_name="economy", tags=["Ekonomi"])
def unit_economy(request, unit_id: Id, filters: Query[EconomyFilter]):
    """En enhets (med underliggande enheters) budget och utfall per
    rapportrad och månad under ett räkenskapsår (`year_start`, annars det
    senaste), som på ekonomisidan, och den senaste helårsprognosen per rad."""
    unit = access.get_or_404(request.user, Unit.objects.all(), pk=unit_id)
    table = economy.unit_economy(unit, filters.year_start)
    forecast = None
    if table.year_start is not None:
        forecast = (
            Forecast.objects.filter(
                unit=unit,
                occasion__period_end__gte=table.year_start,
                occasion__period_end__lt=table.year_start.replace(year=table.year_start.year + 1),
            )
            .prefetch_related("rows")
            .order_by("-occasion__period_end", "-pk")
            .first()
        )
    amounts = {r.row_id: r.amount for r in forecast.rows.all()} if forecast else {}
    version = table.budget_version
    return {
        "unit_id": unit.pk,
        "year_start": table.year_start,
        "months": table.months,
        "months_with_utfall": table.months_with_utfall,
        "budget_version_id": version.pk if version else None,
        "forecast_occasion_id": forecast.occasion_id if forecast else None,
        "rows": [
            {
                "row_id": row.row_id,
                "name": row.name,
                "is_total": row.is_total,
                "budget": row.budget,
                "utfall": row.utfall,
                "forecast": amounts.get(row.row_id),
            }
            for row in table.rows
        ],
    }
