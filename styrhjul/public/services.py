"""Everything that changes publishing data: publishing an occasion (a
snapshot) and the organisation's publication settings. One function per use
case, in a transaction, checking access (organisation/access.py)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_for_edit, one_action, save_edited, use_case
from styrhjul.documents.models import DocumentJob, JobStatus
from styrhjul.followup import readmodel
from styrhjul.followup.models import FollowUpOccasion, OccasionStatus, ReportingTask
from styrhjul.followup.services import period_label
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import charts
from .models import (
    AccessibilityStatement,
    Compliance,
    Licence,
    PublicationSettings,
    Snapshot,
    SnapshotDocument,
    SnapshotRow,
)


def last_deadline(occasion: FollowUpOccasion) -> datetime.date | None:
    """The occasion's last deadline (its steps'), after which nothing more
    is reported; None when it has no steps."""
    return occasion.steps.aggregate(last=Max("deadline"))["last"]


def publish_refusal(occasion: FollowUpOccasion, today: datetime.date | None = None) -> str | None:
    """Why the occasion cannot be published yet, in Swedish, or None when it
    can: a closed occasion can, an open one after its last deadline and the
    grace days (when reports are locked, followup.services.is_locked)."""
    today = today or timezone.localdate()
    if occasion.status == OccasionStatus.CLOSED:
        return None
    if occasion.status != OccasionStatus.OPEN:
        return _(
            "%(occasion)s är inte öppnat än, så det finns inget rapporterat att publicera."
        ) % {"occasion": occasion.title}
    deadline = last_deadline(occasion)
    if deadline is None:
        return _(
            "%(occasion)s har ingen tidsfrist. Stäng tillfället i årshjulet innan du publicerar."
        ) % {"occasion": occasion.title}
    last_day = deadline + datetime.timedelta(days=occasion.grace_days)
    if today <= last_day:
        return _(
            "%(occasion)s kan publiceras först när rapporteringen är låst, efter %(date)s "
            "(sista tidsfristen och respitdagarna), eller när tillfället är stängt."
        ) % {"occasion": occasion.title, "date": last_day.isoformat()}
    return None


def _person(actor) -> str:
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return name or str(actor)


def _scale(value) -> tuple[str, str, str]:
    if value is None:
        return "", "", ""
    return value.label, value.symbol, value.colour


def _rows(occasion: FollowUpOccasion) -> list[SnapshotRow]:
    """What every unit with a task at the occasion reported, as the read
    model answers it (followup.readmodel: the one rule of what is reported);
    rows of no snapshot yet."""
    unit_ids = set(
        ReportingTask.objects.filter(occasion=occasion, plan_type__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    if not unit_ids:
        return []
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    found = readmodel.read([occasion], sorted(unit_ids))
    result = []
    for (_occasion_id, unit_id, _type_id), rows in found.rows.items():
        unit = units[unit_id]
        for order, row in enumerate(rows):
            item, report, value = row.item, row.report, row.value
            indicator = item.kind == ItemKind.INDICATOR
            status = _scale(report.status if report else None)
            assessment = _scale(report.assessment if report else None)
            result.append(
                SnapshotRow(
                    unit=unit,
                    unit_name=unit.name,
                    unit_code=unit.code or "",
                    item_key=item.series,
                    item_id_then=item.pk,
                    order=order,
                    plan_type=row.plan_type.name,
                    kind=item.kind,
                    number=item.number,
                    title=item.title,
                    perspective=item.perspective.name if item.perspective_id else "",
                    level=item.level.name if item.level_id else "",
                    state=row.state,
                    status_label=status[0],
                    status_symbol=status[1],
                    status_colour=status[2],
                    assessment_label=assessment[0],
                    assessment_symbol=assessment[1],
                    assessment_colour=assessment[2],
                    completion=report.completion if report else None,
                    comment=report.comment if report else "",
                    analysis=report.analysis if report else "",
                    measures=report.measures if report else "",
                    measure_unit=item.measure_unit if indicator else "",
                    period=period_label(item, occasion) if indicator else "",
                    value=value.value if value else None,
                    value_women=value.value_women if value else None,
                    value_men=value.value_men if value else None,
                    value_note=value.note if value else "",
                    target_year=item.target_year if indicator else None,
                    target_value=item.target_value if indicator else None,
                )
            )
    return result


def _documents(occasion: FollowUpOccasion) -> list[SnapshotDocument]:
    """The newest finished file of each document, format and unit built for
    the occasion, copied (of no snapshot yet)."""
    jobs = (
        DocumentJob.objects.filter(occasion=occasion, status=JobStatus.DONE)
        .exclude(data=None)
        .select_related("unit")
        .order_by("unit__name", "document", "fmt", "-finished_at", "-pk")
    )
    seen, result = set(), []
    for job in jobs:
        key = (job.unit_id, job.document, job.fmt)
        if key in seen:
            continue
        seen.add(key)
        result.append(
            SnapshotDocument(
                unit_name=job.unit.name,
                title=job.title or str(job),
                filename=job.filename or f"dokument.{job.fmt}",
                fmt=job.fmt,
                data=bytes(job.data),
                size=len(job.data),
                built_at=job.finished_at,
            )
        )
    return result


def _may_publish(actor, occasion: FollowUpOccasion) -> None:
    """PermissionDenied or the refusal (ValidationError) when `actor` may not
    publish the occasion now."""
    if not access.may_publish(actor, occasion.model.organisation):
        raise PermissionDenied
    refusal = publish_refusal(occasion)
    if refusal:
        raise ValidationError(refusal)


def occasion_publish(
    *, actor, occasion: FollowUpOccasion, progress=None, job_id: int | None = None, on_done=None
) -> Snapshot:
    """Publish an occasion: freeze what the units reported (the read model's
    answer), the facts and charts of the indicators the public page shows
    (charts.freeze) and the documents built for it, with who and when, for
    everyone to read. Refused before the reporting is locked (publish_refusal).

    What is frozen is read first, outside the transaction, telling
    `progress(percent)` how far it has come (the background job stores it,
    public/publishing.py); only a locked occasion is published, so nothing
    it reads is being changed. Then the snapshot with all its rows and
    documents is written in one transaction (one user action), checking the
    right and the refusal again: a snapshot is whole or not there.
    `job_id`: the background job publishing it (one snapshot per job), and
    `on_done(snapshot)` runs in that transaction (the job is marked done
    with it)."""
    report = progress or (lambda percent: None)
    _may_publish(actor, occasion)
    organisation = occasion.model.organisation
    report(5)
    rows = _rows(occasion)
    report(40)
    charts.freeze(
        rows, organisation, occasion.year, progress=lambda share: report(40 + int(40 * share))
    )
    report(80)
    documents = _documents(occasion)
    report(85)
    with one_action():
        occasion.refresh_from_db(fields=["status", "grace_days"])  # unlocked meanwhile?
        _may_publish(actor, occasion)
        settings = PublicationSettings.objects.filter(organisation=organisation).first()
        snapshot = Snapshot(
            occasion=occasion,
            organisation=organisation,
            title=occasion.title,
            organisation_name=organisation.name,
            kind=occasion.kind,
            year=occasion.year,
            period_end=occasion.period_end,
            published_at=timezone.now(),
            published_by=actor if getattr(actor, "pk", None) else None,
            published_by_name=_person(actor),
            licence=settings.licence if settings else Licence.CC0,
            job_id=job_id,
        )
        set_actor(snapshot, actor, _("Publicerad"))
        snapshot.save()
        for row in rows:
            row.snapshot = snapshot
        SnapshotRow.objects.bulk_create(rows, batch_size=1000)
        for document in documents:
            document.snapshot = snapshot
            set_actor(document, actor)
            document.save()
        if on_done is not None:
            on_done(snapshot)
    return snapshot


@use_case
def publication_settings_save(
    *, actor, organisation: Unit, licence: str, version: int, public_page: bool | None = None
) -> PublicationSettings:
    """Choose the licence of the organisation's open data (its model owners;
    snapshots published earlier keep theirs) and switch its public page on
    or off (None: leave it)."""
    if not access.may_publish(actor, organisation):
        raise PermissionDenied
    if licence not in Licence.values:
        raise ValidationError({"licence": _("Välj en av licenserna i listan.")})
    row = lock_for_edit(PublicationSettings, version, organisation=organisation)
    row.licence = licence
    if public_page is not None:
        row.public_page = public_page
    return save_edited(row, actor)


@use_case
def accessibility_statement_save(
    *,
    actor,
    version: int,
    publisher: str,
    compliance: str,
    known_issues: str,
    contact: str,
    assessed_on: datetime.date | None,
) -> AccessibilityStatement:
    """Write the installation's tillgänglighetsredogörelse (a system
    administrator). A statement needs an assessment and a way to report
    shortcomings; the day of the assessment cannot lie ahead."""
    access.require_admin(actor)
    errors = {}
    if compliance not in Compliance.values:
        errors["compliance"] = _("Välj hur väl tjänsten uppfyller kraven.")
    if not contact.strip():
        errors["contact"] = _(
            "Ange hur man rapporterar brister i tillgängligheten, till exempel en e-postadress."
        )
    if assessed_on is not None and assessed_on > timezone.localdate():
        errors["assessed_on"] = _("Dagen för bedömningen kan inte ligga i framtiden.")
    if errors:
        raise ValidationError(errors)
    row = lock_for_edit(AccessibilityStatement, version, pk=AccessibilityStatement.SINGLETON)
    row.publisher = publisher.strip()
    row.compliance = compliance
    row.known_issues = known_issues.replace("\r\n", "\n").strip()
    row.contact = contact.replace("\r\n", "\n").strip()
    row.assessed_on = assessed_on
    return save_edited(row, actor)
