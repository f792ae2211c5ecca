"""SIE files uploaded on the import page are imported in the background: the
page stores the file in a SieUpload and, when that commits, enqueues the task
`import_upload`, which `styrhjul worker` runs (core.tasks). The task calls
importing.import_sie as the command line does, all or nothing, and stores
what it said (the summary, or every error in the file) on the upload; the
file itself is then dropped. `styrhjul import-sie` imports at once."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from styrhjul.core import tasks
from styrhjul.core.concurrency import use_case
from styrhjul.core.importing import ImportRejected
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit

from . import importing, ratios
from .models import SieUpload, UploadStatus

logger = logging.getLogger(__name__)
ACTIVE = (UploadStatus.QUEUED, UploadStatus.RUNNING)
LOST_MESSAGE = (
    "Importen avbröts innan den blev klar (tjänsten startades om eller stoppades). "
    "Ingenting har sparats. Ladda upp filen igen."
)
ERROR_MESSAGE = "Filen kunde inte importeras på grund av ett fel. Ingenting har sparats."


@use_case
def upload(
    *, actor, organisation: Unit, data: bytes, filename: str, dry_run: bool = False
) -> SieUpload:
    """Store an uploaded file and import it in the background (for those who
    manage the organisation's economy, access.may_manage_economy)."""
    if not access.may_manage_economy(actor, organisation):
        raise PermissionDenied
    recover()
    upload = SieUpload.objects.create(
        organisation=organisation,
        filename=filename[:255],
        data=data,
        dry_run=dry_run,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    tasks.enqueue_on_commit(
        import_upload,
        upload.pk,
        on_enqueued=lambda t: SieUpload.objects.filter(pk=upload.pk).update(task_id=t),
    )
    return upload


@tasks.task()
def import_upload(upload_id: int) -> str:
    """The framework task: import the uploaded file (run)."""
    upload = run(upload_id)
    return upload.status if upload is not None else "not-queued"


def run(upload_id: int) -> SieUpload | None:
    """Import the uploaded file; claims it first, so it is imported once."""
    claimed = SieUpload.objects.filter(pk=upload_id, status=UploadStatus.QUEUED).update(
        status=UploadStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    upload = SieUpload.objects.select_related("organisation", "requested_by").get(pk=upload_id)
    done = {"status": UploadStatus.DONE, "finished_at": timezone.now(), "data": None}
    try:
        if upload.requested_by is None:
            raise PermissionDenied
        result = importing.import_sie(
            actor=upload.requested_by,
            organisation=upload.organisation,
            data=bytes(upload.data or b""),
            filename=upload.filename,
            dry_run=upload.dry_run,
        )
    except ImportRejected as exc:
        done["errors"] = [str(e) for e in exc.errors]
    except PermissionDenied:
        done |= {
            "status": UploadStatus.FAILED,
            "message": "Du får inte längre importera till organisationen. Ingenting har sparats.",
        }
    except Exception:  # noqa: BLE001 - any failure is shown on the upload, never lost
        logger.exception("SIE-filen %s kunde inte importeras", upload_id)
        done |= {"status": UploadStatus.FAILED, "message": ERROR_MESSAGE}
    else:
        # The ratio indicators follow the ledger, as after `styrhjul import-sie`.
        ratios.after_import(result, organisation=upload.organisation, actor=upload.requested_by)
        done |= {
            "summary": result.summary,
            "already_imported": result.already_imported,
            "record": result.record,
        }
    SieUpload.objects.filter(pk=upload_id).update(**done)
    return SieUpload.objects.get(pk=upload_id)


def recover(now=None) -> int:
    """Uploads whose task was lost (its worker stopped) are marked failed
    with LOST_MESSAGE (core.tasks explains the rule); nothing of them was
    saved, as an import is all or nothing."""
    tasks.recover_lost(now=now)
    return tasks.fail_jobs_of_ended_tasks(
        SieUpload.objects.all(),
        active=ACTIVE,
        failed=UploadStatus.FAILED,
        message=LOST_MESSAGE,
        now=now,
    )
