"""Roster import in the console: upload a file → a queued background job → its progress bar → its result.

Thin: roster.jobs does the work (the import never runs inside a request; the job is queued after its row
commits), roster.selectors the reads, roster.refused the workbook of refused rows. A union outside the cadre's
scope answers 404 like a missing one; inside the scope, only a cadre who may manage the union (chair or staff,
not an auditor) may import or see the refused rows, others get 403.
"""
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from gonghui.console.decorators import cadre_required
from gonghui.console.navigation import page_of
from gonghui.core.scoping import subtree_q
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_manage_org
from gonghui.orgs.selectors import org_get
from gonghui.roster import jobs, selectors
from gonghui.roster.models import JobStatus
from gonghui.roster.parsing import RosterFileError
from gonghui.roster.refused import refused_workbook
from gonghui.roster.uploads import max_bytes
from gonghui.roster.validation import REASONS

JOBS_PER_PAGE = 20
REFUSALS_PER_PAGE = 50
UNION_CHOICES = 300
# A job untouched for this long while it says it is working has lost its worker: offer to resume it.
STALE_AFTER = timedelta(minutes=10)
QUEUED_HINT_AFTER = timedelta(seconds=30)


def _manageable(request, org: Org) -> Org:
    if not can_manage_org(request.user, org):
        raise PermissionDenied(_("只有本工会或上级工会的主席、工作人员可以导入花名册"))
    return org


@cadre_required
def roster_jobs(request, pk: int):
    """导入记录 of one union, newest first."""
    org = _manageable(request, org_get(actor=request.user, pk=pk))
    page = page_of(selectors.import_jobs_of(actor=request.user, org=org), request.GET.get("page"), JOBS_PER_PAGE)
    return render(request, "console/roster/jobs.html", {"org": org, "page": page})


class _SizeLimit(FileUploadHandler):
    """Stops keeping a file past the size limit: the rest of it is read and dropped, nothing lands on disk."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


@cadre_required
@csrf_exempt  # only so the size limit is in place before the body is read: csrf_protect below checks the token
@require_http_methods(["GET", "POST"])
def roster_upload(request, pk: int):
    limit = _SizeLimit(request, max_bytes())
    if request.method == "POST":
        request.upload_handlers.insert(0, limit)
    return _upload(request, pk, limit)


@csrf_protect
def _upload(request, pk: int, limit: _SizeLimit):
    page_org = _manageable(request, org_get(actor=request.user, pk=pk))
    choices = _union_choices(request.user, page_org)
    errors: list[str] = []
    chosen, dry_run = page_org.pk, False
    if request.method == "POST":
        dry_run = request.POST.get("dry_run") == "1"
        org = _chosen_union(request, choices, page_org)
        chosen = org.pk if org else chosen
        upload = request.FILES.get("file")
        if limit.exceeded:
            errors.append(_("文件太大：单个花名册文件不能超过 %(max)d MB，请拆分后分批导入") % {
                "max": max_bytes() // 1048576})
        elif org is None:
            errors.append(_("请选择要导入到的工会"))
        else:
            try:
                job = jobs.import_job_create(org=org, upload=upload, dry_run=dry_run, actor=request.user)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                return redirect("console:roster-job", pk=job.pk)
    context = {"org": page_org, "choices": choices, "chosen": chosen, "dry_run": dry_run, "errors": errors,
               "max_mb": max_bytes() // 1048576}
    return render(request, "console/roster/upload.html", context, status=422 if errors else 200)


def _union_choices(actor, org: Org) -> list[Org]:
    """The union and the active unions under it the cadre may manage, in tree order (capped for a province)."""
    rows = Org.objects.visible_to(actor).filter(subtree_q(org.path), status="active").order_by("path")
    rows = rows.only("pk", "name", "path", "depth", "status")[:UNION_CHOICES]
    choices = [o for o in rows if o.pk == org.pk or can_manage_org(actor, o)]
    for o in choices:
        o.label = "\u3000" * (o.depth - org.depth) + o.name  # full-width spaces: the tree's shape in a <select>
    return choices


def _chosen_union(request, choices: list[Org], page_org: Org) -> Org | None:
    try:
        wanted = int(request.POST.get("org") or page_org.pk)
    except ValueError:
        return None
    return next((o for o in choices if o.pk == wanted), None)


def _job_context(request, job) -> dict:
    now = timezone.now()
    return {
        "job": job,
        "can_manage": can_manage_org(request.user, job.org),
        "stale": job.status == JobStatus.FAILED or (not job.is_finished and now - job.updated_at > STALE_AFTER),
        "waiting_long": job.status == JobStatus.QUEUED and now - job.updated_at > QUEUED_HINT_AFTER,
    }


@cadre_required
def roster_job(request, pk: int):
    """One job: its progress bar while it works, its result when it is done."""
    job = selectors.import_job_get(actor=request.user, pk=pk)
    _manageable(request, job.org)
    context = _job_context(request, job)
    if job.is_finished:
        page = page_of(selectors.import_refusals(job), request.GET.get("page"), REFUSALS_PER_PAGE)
        for refusal in page.rows:
            refusal.reason_label = REASONS.get(refusal.reason, refusal.reason)
        context["page"] = page
    return render(request, "console/roster/job.html", context)


@cadre_required
def roster_job_progress(request, pk: int):
    """The progress bar alone, polled by htmx; once the job has ended the page reloads into its result."""
    job = selectors.import_job_get(actor=request.user, pk=pk)
    _manageable(request, job.org)
    if job.is_finished and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "console/roster/_progress.html", _job_context(request, job))


@cadre_required
def roster_job_refused(request, pk: int):
    """下载拒绝行: the refused rows with their original columns and a 拒绝原因 column, as .xlsx."""
    job = selectors.import_job_get(actor=request.user, pk=pk)
    _manageable(request, job.org)
    try:
        out, _rows = refused_workbook(job=job, actor=request.user)
    except (ValidationError, RosterFileError) as exc:
        messages.error(request, exc.message if isinstance(exc, RosterFileError) else "；".join(exc.messages))
        return redirect("console:roster-job", pk=job.pk)
    stem = job.file_name.rsplit(".", 1)[0] or "roster"
    return FileResponse(out, as_attachment=True, filename=f"{stem}-拒绝行.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@cadre_required
@require_POST
def roster_job_resume(request, pk: int):
    job = selectors.import_job_get(actor=request.user, pk=pk)
    _manageable(request, job.org)
    try:
        jobs.import_job_resume(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已重新排队，将从上次保存的位置继续导入。"))
    return redirect("console:roster-job", pk=job.pk)
