"""Console roster imports as background jobs: upload → queued job → a worker runs `roster_import` → result.

`import_job_create` is the one door for an upload: it checks the cadre may manage the union, checks and stores
the file (roster.uploads), writes the queued job and its audit event in one transaction, and only after that
transaction commits puts the job on the queue (the worker must find the row). `import_job_run` is what the
worker does (roster.tasks); `import_job_resume` puts an interrupted job back on the queue.

A real import runs as status "running" under the same partial unique index as the command line, so it resumes
from its checkpoint like any other import of that file into that union. A dry run writes no member; its
counts and refusals are stored on the job when it ends, for the result page and the refused-rows workbook.
"""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_manage_org
from gonghui.roster.models import ImportJob, ImportRefusal, JobPhase, JobStatus
from gonghui.roster.parsing import RosterFileError
from gonghui.roster.uploads import store_upload, stored_path

log = logging.getLogger(__name__)
REFUSAL_BATCH = 5000
CHUNK_SIZE = 5000  # rows per committed chunk (and per progress report)


def import_job_create(*, org: Org, upload, dry_run: bool, actor) -> ImportJob:
    """A queued import of `upload` into `org` by the cadre `actor`. Raises PermissionDenied or ValidationError
    (Chinese messages) and then stores nothing."""
    if not can_manage_org(actor, org):
        raise PermissionDenied(_("无权向该工会导入会员"))
    if not org.is_active:
        raise ValidationError(_("工会“%(name)s”已撤销，不能导入会员") % {"name": org.name})
    stored = store_upload(upload)
    with transaction.atomic():
        job = ImportJob.objects.create(
            org=org, actor=actor, file_name=stored.name, file_sha256=stored.sha256, stored_file=stored.relative,
            dry_run=dry_run, status=JobStatus.QUEUED)
        audit.record(actor=actor, action="roster.upload", obj=job, org_path=org.path, after={
            "file_name": stored.name, "file_sha256": stored.sha256, "bytes": stored.size, "org": org.code,
            "dry_run": dry_run})
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Put the job on the queue. A broker that cannot be reached leaves the job queued (the job page offers to
    resume it later) rather than failing a request whose job row has already committed."""
    from kombu.exceptions import OperationalError

    from gonghui.roster.tasks import run_import_job

    try:
        run_import_job.delay(job_id)
    except (OperationalError, OSError):
        log.exception("roster job %s: the broker could not be reached; the job stays queued", job_id)


def import_job_resume(*, job: ImportJob, actor) -> ImportJob:
    """Put a job that stopped before its end (a worker killed or restarted, a failure) back on the queue."""
    if not can_manage_org(actor, job.org):
        raise PermissionDenied(_("无权向该工会导入会员"))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.DONE:
            raise ValidationError(_("该导入任务已完成，无需继续"))
        if not job.stored_file:
            raise ValidationError(_("该任务是在命令行中运行的，请在命令行中用同一文件重新运行以继续"))
        if job.status == JobStatus.FAILED:
            ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, error="", updated_at=timezone.now())
        audit.record(actor=actor, action="roster.resume", obj=job, org_path=job.org.path,
                     after={"rows_done": job.rows_done})
        transaction.on_commit(lambda: enqueue(job.pk))
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> None:
    """The worker's part. Safe to run twice for one job: a finished job is left alone, and two runs of one
    real import meet the checkpoint check (services.ImportConflict), where the later one stops."""
    from gonghui.roster.services import ImportConflict

    job = _start(job_id)
    if job is None:
        return
    try:
        if not stored_path(job.stored_file).is_file():
            raise FileNotFoundError(job.stored_file)  # never the server's path in a cadre's message
        if job.dry_run:
            _dry_run(job)
        else:
            _real_run(job)
    except ImportConflict:
        log.info("roster job %s: another run holds it", job_id)
    except RosterFileError as exc:
        _fail(job, exc.message)
    except PermissionDenied as exc:
        _fail(job, str(exc) or _("无权向该工会导入会员"))
    except ValidationError as exc:
        _fail(job, "；".join(exc.messages))
    except FileNotFoundError:
        _fail(job, _("上传的文件已不在服务器上，请重新上传"))
    except Exception:
        # The checkpoint keeps what was committed; the cadre can press 继续导入 once the cause is fixed.
        _fail(job, _("导入中断：服务器内部错误。已导入的部分已保存，可稍后点“继续导入”接着完成"))
        raise


def _start(job_id: int) -> ImportJob | None:
    """Move a queued job to work; None when there is nothing (more) to do."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).select_related("org", "actor").filter(pk=job_id).first()
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return None
        if job.dry_run:
            job.status = JobStatus.CHECKING
            job.rows_done = 0  # a dry run holds no checkpoint: an interrupted one starts over
        else:
            job.status = JobStatus.RUNNING
        job.phase = JobPhase.READING
        try:
            with transaction.atomic():
                job.save(update_fields=["status", "phase", "rows_done", "updated_at"])
        except IntegrityError:
            # Another import of the same file into the same union is unfinished (the command line, or an
            # earlier upload): two runs must not interleave. That job's page can resume it.
            other = ImportJob.objects.filter(org=job.org_id, file_sha256=job.file_sha256,
                                             status=JobStatus.RUNNING).exclude(pk=job.pk).first()
            ImportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, phase=JobPhase.NONE, finished_at=timezone.now(), updated_at=timezone.now(),
                error=_("同一文件正在导入到该工会（任务 #%(id)s），请等它完成或在该任务页面继续导入") % {
                    "id": other.pk if other else "?"})
            return None
    return job


def _progress(job: ImportJob, *, dry_run: bool):
    def report(rows_done: int, rows_total: int) -> None:
        values = {"rows_total": rows_total, "phase": JobPhase.ROWS, "updated_at": timezone.now()}
        if dry_run:  # a real run's chunk commits rows_done itself, with its checkpoint
            values["rows_done"] = rows_done
        ImportJob.objects.filter(pk=job.pk).update(**values)

    return report


def _real_run(job: ImportJob) -> None:
    from gonghui.roster.services import roster_import

    roster_import(path=stored_path(job.stored_file), org=job.org, actor=job.actor, job=job, chunk_size=CHUNK_SIZE,
                  progress=_progress(job, dry_run=False))
    # roster_import marked the job done and audited it; what is left is the phase the page shows.
    ImportJob.objects.filter(pk=job.pk).update(phase=JobPhase.NONE)


def _dry_run(job: ImportJob) -> None:
    from gonghui.roster.services import roster_import

    result = roster_import(path=stored_path(job.stored_file), org=job.org, actor=job.actor, dry_run=True,
                           chunk_size=CHUNK_SIZE, progress=_progress(job, dry_run=True))
    ImportJob.objects.filter(pk=job.pk).update(phase=JobPhase.FINISHING, updated_at=timezone.now())
    with transaction.atomic():
        ImportRefusal.objects.filter(job=job).delete()  # a rerun of an interrupted dry run starts clean
        refusals = [ImportRefusal(job=job, row=r.row, reason=r.reason, message=r.message[:300])
                    for r in result.refused]
        ImportRefusal.objects.bulk_create(refusals, batch_size=REFUSAL_BATCH)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, phase=JobPhase.NONE, rows_total=result.rows_total, rows_done=result.rows_total,
            accepted=result.accepted, unchanged=result.unchanged, refused=len(result.refused),
            finished_at=timezone.now(), updated_at=timezone.now())
        audit.record(actor=job.actor, action="roster.dry_run", obj=job, org_path=job.org.path, after={
            "file_name": job.file_name, "file_sha256": job.file_sha256, "org": job.org.code,
            "rows_total": result.rows_total, "accepted": result.accepted, "unchanged": result.unchanged,
            "refused": len(result.refused)})


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, phase=JobPhase.NONE, error=message[:500], finished_at=timezone.now(),
        updated_at=timezone.now())
