"""Opening an occasion in the background: "Öppna uppföljningen" on the year
wheel starts a job (core.jobs) whose task creates the tasks
(services.occasion_open) on a worker and stores how far it has come; the
wheel shows it. Running it twice creates nothing new."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from styrhjul.core import jobs, tasks
from styrhjul.core.models import BackgroundJob
from styrhjul.model.services import require_model_owner
from styrhjul.organisation import access

from . import services
from .models import FollowUpOccasion

logger = logging.getLogger(__name__)
KIND = "occasion_open"


def order(*, actor, occasion: FollowUpOccasion) -> BackgroundJob:
    """Start opening the occasion (model owners of the organisation); the
    job already queued or running for it if there is one."""
    require_model_owner(actor, occasion.model.organisation)
    return jobs.start(kind=KIND, subject_id=occasion.pk, actor=actor, task=open_occasion)


def latest(occasions) -> dict[int, BackgroundJob]:
    """The latest opening job of each occasion (one query)."""
    return jobs.latest(KIND, [o.pk for o in occasions])


def created_message(occasion: FollowUpOccasion, n: int) -> str:
    return ngettext(
        "”%(name)s” är öppnad. %(n)s uppgift skapades.",
        "”%(name)s” är öppnad. %(n)s uppgifter skapades.",
        n,
    ) % {"name": occasion.title, "n": n}


def run_occasion_job(job_id: int, work, *, refused: str, log_message: str) -> str:
    """The body of a framework task that works on an occasion for a job
    (opening it, publishing it): claim the job once, call
    `work(job, occasion, actor)` as the person who ordered it, and turn
    what goes wrong into a Swedish message on the job, never lost. `work`
    marks the job done itself (publishing does so in its own transaction)."""
    job = jobs.claim(job_id)
    if job is None:
        return "not-queued"
    try:
        occasion = FollowUpOccasion.objects.select_related("model__organisation").get(
            pk=job.subject_id
        )
        work(job, occasion, job.requested_by or access.SYSTEM)
    except FollowUpOccasion.DoesNotExist:
        jobs.fail(job_id, _("Uppföljningstillfället finns inte längre."))
    except PermissionDenied:
        jobs.fail(job_id, refused)
    except ValidationError as exc:
        jobs.fail(job_id, " ".join(exc.messages))
    except Exception:  # noqa: BLE001 - any failure is shown on the job, never lost
        logger.exception(log_message, job.subject_id)
        jobs.fail(job_id)
    else:
        return "done"
    return "failed"


@tasks.task()
def open_occasion(job_id: int) -> str:
    """The framework task: open the job's occasion, as the person who
    started it, storing the progress on the job."""

    def work(job, occasion, actor) -> None:
        created = services.occasion_open(
            actor=actor, occasion=occasion, progress=lambda p: jobs.progress(job_id, p)
        )
        jobs.done(job_id, created_message(occasion, len(created)))

    return run_occasion_job(
        job_id,
        work,
        refused=_("Du får inte längre öppna uppföljningstillfället."),
        log_message="Uppföljningstillfället %s kunde inte öppnas",
    )
