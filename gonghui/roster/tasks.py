"""Background tasks of rosters (config/celery.py finds this module). Thin: the work is in roster.jobs."""
from celery import shared_task


@shared_task(name="roster.run_import_job", ignore_result=True)
def run_import_job(job_id: int) -> None:
    """Run one console import job; a second delivery of the same message does nothing harmful (see jobs)."""
    from gonghui.roster.jobs import import_job_run

    import_job_run(job_id=job_id)
