"""The API's writes beyond a report: indicator values in bulk, plans and
items, and ordering a document. Each goes through the service the pages
use (planning/services.py, documents/jobs.py) or the one bulk service
(followup/value_upsert.py), and so through the one access policy."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Schema, Status
from pydantic import BaseModel, Field

from styrhjul.core.importing import ImportRejected
from styrhjul.documents import jobs
from styrhjul.followup import review, value_upsert
from styrhjul.followup.models import FollowUpOccasion, ReportingTask
from styrhjul.model.models import GoalLevel, ItemKind, Perspective, PlanType
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item
from styrhjul.planning.queries import organisation_id_of

from .api import ItemOut, PlanOut, api, item_detail, plan_detail
from .common import Id, Text, Year
from .problems import Problem
from .read import JobOut, TaskOut, document_or_404, task_detail


def _version_from(if_match: str | None, what: str) -> int:
    """The version the caller read (If-Match), required for a change."""
    if not if_match:
        raise Problem(428, f"Ange versionen du läste i If-Match (ETag från GET av {what}).")
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise Problem(412, 'If-Match ska vara versionen, t.ex. "3".')
    return int(value)


# --- Indicator values in bulk ----------------------------------------------------------------


class ValueIn(BaseModel):
    """One value (plain pydantic: 100,000 of them validate in well under a
    second, without ninja's per-object wrapper)."""

    indicator_id: Id | None = None
    kolada_id: str = ""
    unit_code: str
    period: str
    gender: Literal["T", "K", "M"] = "T"
    value: Decimal | None
    note: str | None = None


class ValuesIn(BaseModel):
    values: list[ValueIn]


class UpsertOut(Schema):
    created: int
    updated: int


@api.post(
    "/nyckeltalsvarden",
    response={200: UpsertOut},
    url_name="values_upsert",
    tags=["Nyckeltal"],
)
def values_upsert(request, data: ValuesIn):
    """Spara många utfall på en gång (t.ex. från ett HR- eller BI-system).
    Varje värde anger nyckeltalet med `indicator_id` eller `kolada_id`,
    enheten med `unit_code`, perioden (`2025` helår, `2025-08` en månad)
    och kön (`T` totalt, `K` kvinnor, `M` män). Ett värde som redan finns
    ersätts. Allt eller inget: är någon rad fel sparas ingenting, och felen
    står per rad i `errors` (`row` räknas från 0)."""
    rows = [value_upsert.ValueRow(**v.model_dump()) for v in data.values]
    try:
        result = value_upsert.indicator_values_upsert(actor=request.user, rows=rows)
    except ImportRejected as rejected:
        errors = [
            {"row": e.row, "field": e.column or "", "message": e.message} for e in rejected.errors
        ]
        raise Problem(
            422,
            f"Inget sparades: {len({e['row'] for e in errors})} av {len(rows)} rader är felaktiga.",
            errors=errors,
        ) from None
    return {"created": result.created, "updated": result.updated}


# --- Plans and items -------------------------------------------------------------------------


class PlanIn(Schema):
    unit_id: Id
    plan_type_id: Id


def _unit_and_plan_type(user, unit_id: Id, plan_type_id: Id):
    unit = access.get_or_404(user, Unit.objects.all(), pk=unit_id)
    plan_type = access.get_or_404(user, PlanType.objects.select_related("model"), pk=plan_type_id)
    if plan_type.model.organisation_id != organisation_id_of(unit):
        raise ValidationError({"plan_type_id": "Plantypen hör till en annan organisation."})
    return unit, plan_type


@api.post("/planer", response={201: PlanOut}, url_name="plan_create", tags=["Planering"])
def plan_create(request, response: HttpResponse, data: PlanIn):
    """Enhetens plan av en plantyp, skapad om den inte finns (201 i båda
    fallen, med planens adress i Location)."""
    unit, plan_type = _unit_and_plan_type(request.user, data.unit_id, data.plan_type_id)
    plan = planning.plan_for(actor=request.user, unit=unit, plan_type=plan_type)
    response["Location"] = reverse("api:plan", args=[plan.pk])
    return Status(201, plan_detail(request, plan.pk))


class ItemFields(Schema):
    number: str | None = None
    title: str | None = None
    description: str | None = None
    perspective_id: Id | None = None
    level_id: Id | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    measure_unit: str | None = None
    targets: dict[Year, Decimal] | None = None


class ItemIn(ItemFields):
    unit_id: Id
    plan_type_id: Id
    kind: Literal["goal", "indicator", "activity", "control_point", "assignment"]
    title: str
    contributes_to: list[Id] = []


def _item_fields(model, data: ItemFields, sent: set[str]) -> dict:
    """The service's fields from the sent ones: perspective and level of the
    plan's styrmodell."""
    fields = {}
    for name in ("number", "title", "description", "start_date", "end_date", "measure_unit"):
        if name in sent:
            value = getattr(data, name)
            fields[name] = value if value is not None or name.endswith("_date") else ""
    for name, model_class in (("perspective", Perspective), ("level", GoalLevel)):
        key = f"{name}_id"
        if key not in sent:
            continue
        pk = getattr(data, key)
        found = None
        if pk is not None:
            found = model_class.objects.filter(pk=pk, model=model).first()
            if found is None:
                raise ValidationError({key: "Välj ur planens styrmodell."})
        fields[name] = found
    return fields


@api.post("/poster", response={201: ItemOut}, url_name="item_create", tags=["Planering"])
def item_create(request, response: HttpResponse, data: ItemIn):
    """En ny post i enhetens plan av plantypen (planen skapas med sin första
    post), som på sidan Ny post. `contributes_to`: poster den bidrar till."""
    if data.kind not in ItemKind.values:
        raise ValidationError({"kind": "Okänd posttyp."})
    unit, plan_type = _unit_and_plan_type(request.user, data.unit_id, data.plan_type_id)
    sent = data.model_fields_set
    fields = _item_fields(plan_type.model, data, sent)
    upper = list(Item.objects.restrict(request.user).filter(pk__in=data.contributes_to))
    if len(upper) != len(set(data.contributes_to)):
        raise ValidationError({"contributes_to": "Det finns ingen sådan post."})
    targets = {int(y): v for y, v in data.targets.items()} if data.targets else None
    item = planning.item_add(
        actor=request.user,
        unit=unit,
        plan_type=plan_type,
        kind=data.kind,
        contributes_to=upper,
        targets=targets,
        **fields,
    )
    response["Location"] = reverse("api:item", args=[item.pk])
    response["ETag"] = f'"{item.version}"'
    return Status(201, item_detail(request, item.pk))


@api.patch("/poster/{item_id}", response={200: ItemOut}, url_name="item_update", tags=["Planering"])
def item_update(request, response: HttpResponse, item_id: Id, data: ItemFields):
    """Ändra en post (bara fälten som skickas). Kräver If-Match med postens
    `version`; har någon annan sparat sedan dess blir svaret 409."""
    item = access.get_or_404(
        request.user, Item.objects.select_related("plan__plan_type__model"), pk=item_id
    )
    if not access.can_write(request.user, item):
        raise PermissionDenied
    version = _version_from(request.headers.get("If-Match"), "posten")
    sent = data.model_fields_set
    fields = _item_fields(item.plan.plan_type.model, data, sent)
    if "title" in fields and not fields["title"]:
        raise ValidationError({"title": "Posten behöver en rubrik."})
    targets = None
    if "targets" in sent:
        targets = {int(y): v for y, v in (data.targets or {}).items()}
    item = planning.item_update(
        actor=request.user, item=item, version=version, targets=targets, **fields
    )
    response["ETag"] = f'"{item.version}"'
    return item_detail(request, item.pk)


# --- Ordering a document ---------------------------------------------------------------------


class DocumentIn(Schema):
    unit_id: Id
    occasion_id: Id
    document: str
    fmt: str


@api.post("/dokument", response={202: JobOut}, url_name="document_order", tags=["Dokument"])
def document_order(request, response: HttpResponse, data: DocumentIn):
    """Beställ ett dokument (t.ex. `delarsrapport` som `pdf`) för en enhet vid
    ett uppföljningstillfälle. Svaret 202 har dokumentets adress i
    Location; fråga den tills `status` är `done` och hämta filen från
    `download`."""
    unit = access.get_or_404(request.user, Unit.objects.all(), pk=data.unit_id)
    if not access.can_read_tree(request.user, unit):
        raise Http404
    occasion = FollowUpOccasion.objects.select_related("model").filter(pk=data.occasion_id).first()
    if occasion is None or occasion.model.organisation_id != organisation_id_of(unit):
        raise ValidationError({"occasion_id": "Det finns inget sådant uppföljningstillfälle."})
    job = jobs.submit(
        actor=request.user, unit=unit, occasion=occasion, document=data.document, fmt=data.fmt
    )
    response["Location"] = reverse("api:document", args=[job.pk])
    return Status(202, document_or_404(request.user, job.pk))


# --- Granskning: approve or send back a task ----------------------------------------------------


class ReviewIn(Schema):
    decision: Literal["approve", "send_back"]
    comment: Text = Field("", max_length=5000)
    item_comments: dict[Id, Annotated[Text, Field(max_length=5000)]] = {}
    until: datetime.date | None = None


@api.post(
    "/uppgifter/{task_id}/granskning",
    response={200: TaskOut},
    url_name="task_review",
    tags=["Uppföljning"],
)
def task_review(request, response: HttpResponse, task_id: Id, data: ReviewIn):
    """Granska en klarmarkerad uppgift som väntar på granskning, som på sidan
    Granska: `approve` godkänner den; `send_back` skickar tillbaka den med
    en kommentar (krävs) och kommentarer vid poster (`item_comments`, post
    → text). Har tidsfristen passerat anger du till och med vilket datum
    enheten kan komplettera (`until`). Kräver If-Match med uppgiftens
    `version`. 404 för en uppgift du inte läser, 403 om du inte granskar
    den."""
    task = access.get_or_404(
        request.user,
        ReportingTask.objects.select_related("occasion__model", "unit", "step"),
        pk=task_id,
    )
    if not access.may_review(request.user, task):
        raise PermissionDenied
    version = _version_from(request.headers.get("If-Match"), "uppgiften")
    if data.decision == "approve":
        review.task_approve(actor=request.user, task=task, version=version, comment=data.comment)
    else:
        review.task_send_back(
            actor=request.user,
            task=task,
            version=version,
            comment=data.comment,
            item_comments=dict(data.item_comments),
            until=data.until,
        )
    return task_detail(request, response, task.pk)
