"""Reads of import jobs, for the console's progress bar and history (scoped like every cadre query)."""
from django.shortcuts import get_object_or_404

from gonghui.core.scoping import actor_paths, paths_q
from gonghui.roster.models import ImportJob


def import_jobs_visible_to(actor):
    """Jobs into unions the cadre sees, newest first."""
    return ImportJob.objects.filter(paths_q(actor_paths(actor), field="org__path")).select_related("org")


def import_job_progress(*, actor, job_id: int) -> dict:
    """Rows done of rows total and the counts so far; out of scope answers 404 like a missing job."""
    job = get_object_or_404(import_jobs_visible_to(actor), pk=job_id)
    return {"status": job.status, "rows_done": job.rows_done, "rows_total": job.rows_total,
            "accepted": job.accepted, "unchanged": job.unchanged, "refused": job.refused,
            "checkpoint_row": job.checkpoint_row}


def import_job_get(*, actor, pk: int) -> ImportJob:
    """One job into a union the cadre sees; 404 otherwise, like a missing job."""
    return get_object_or_404(import_jobs_visible_to(actor).select_related("actor"), pk=pk)


def import_jobs_of(*, actor, org):
    """The jobs into one union (not its subtree), newest first; nothing when the union is out of scope."""
    return import_jobs_visible_to(actor).filter(org=org).select_related("actor")


def import_refusals(job: ImportJob):
    return job.refusals.order_by("row")
