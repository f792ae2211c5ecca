"""Publishing an occasion in the background: "Publicera" on the publish page
starts a job (core.jobs) whose task publishes the occasion
(services.occasion_publish) on a worker and stores how far it has come; the
page shows it and then what came of it. Ordering it while it is queued or
running returns that job; the task publishes once however often it runs
(the job is claimed once, and marked done in the snapshot's transaction)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from styrhjul.core import jobs, tasks
from styrhjul.core.models import BackgroundJob, JobStatus
from styrhjul.followup import opening
from styrhjul.followup.models import FollowUpOccasion
from styrhjul.organisation import access

from . import services
from .models import Snapshot

KIND = "occasion_publish"


def order(*, actor, occasion: FollowUpOccasion) -> BackgroundJob:
    """Start publishing the occasion (who may publish it, when it may be
    published: services); the job already queued or running for it if
    there is one."""
    if not access.may_publish(actor, occasion.model.organisation):
        raise PermissionDenied
    refusal = services.publish_refusal(occasion)
    if refusal:
        raise ValidationError(refusal)
    return jobs.start(kind=KIND, subject_id=occasion.pk, actor=actor, task=publish_occasion)


def latest(occasions) -> dict[int, BackgroundJob]:
    """The latest publishing job of each occasion (one query)."""
    return jobs.latest(KIND, [o.pk for o in occasions])


def snapshot_of(job: BackgroundJob | None) -> Snapshot | None:
    """The snapshot the job published, if it did and it is still there."""
    if job is None or job.status != JobStatus.DONE:
        return None
    return Snapshot.objects.filter(job=job).first()


def published_message(snapshot: Snapshot, rows: int) -> str:
    return ngettext(
        "”%(title)s” är publicerad med %(n)s rad.",
        "”%(title)s” är publicerad med %(n)s rader.",
        rows,
    ) % {"title": snapshot.title, "n": f"{rows:,}".replace(",", "\N{NO-BREAK SPACE}")}


@tasks.task()
def publish_occasion(job_id: int) -> str:
    """The framework task: publish the job's occasion, as the person who
    ordered it, storing the progress on the job."""

    def work(job, occasion, actor) -> None:
        services.occasion_publish(
            actor=actor,
            occasion=occasion,
            progress=lambda p: jobs.progress(job_id, p),
            job_id=job_id,
            on_done=lambda snapshot: jobs.done(
                job_id, published_message(snapshot, snapshot.rows.count())
            ),
        )

    return opening.run_occasion_job(
        job_id,
        work,
        refused=_("Du får inte längre publicera uppföljningstillfället."),
        log_message="Uppföljningstillfället %s kunde inte publiceras",
    )
