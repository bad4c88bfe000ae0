"""The join queue (入会审批): applications routed into the cadre's subtree, one by one or several at once.

Out of scope answers 404 like a missing application (join_application_get); deciding is joining.services',
which refuses a cadre who may only read (403) and an application already decided (shown as a message).
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.console.decorators import cadre_required
from gonghui.console.forms_join import ALL, BulkApproveForm, QueueFilterForm, RejectForm
from gonghui.console.navigation import page_of
from gonghui.joining.choices import ApplicationStatus
from gonghui.joining.selectors import join_application_get, join_queue as queue_of
from gonghui.joining.services import join_approve, join_approve_bulk, join_reject
from gonghui.members.choices import Gender
from gonghui.orgs import divisions

PER_PAGE = 30
BULK_RESULTS = "join_bulk_results"


@cadre_required
def join_queue(request):
    status = QueueFilterForm(request.GET).selected()
    applications = queue_of(actor=request.user, status="" if status == ALL else status)
    if status != ApplicationStatus.PENDING:
        # Work waits oldest first; a record of decisions reads newest first.
        applications = applications.order_by("-submitted_at", "-pk")
    page = page_of(applications, request.GET.get("page"), PER_PAGE)
    context = {"page": page, "status": status, "tabs": _tabs(), "base_query": f"status={status}",
               "bulk_results": request.session.pop(BULK_RESULTS, None)}
    return render(request, "console/join/queue.html", context)


def _tabs() -> list[tuple[str, str]]:
    return [(ApplicationStatus.PENDING, _("待审批")), (ApplicationStatus.APPROVED, _("已批准")),
            (ApplicationStatus.REJECTED, _("未批准")), (ApplicationStatus.WITHDRAWN, _("已撤回")), (ALL, _("全部"))]


@cadre_required
def join_detail(request, pk: int):
    application = join_application_get(actor=request.user, pk=pk)
    return _detail(request, application, RejectForm())


def _detail(request, application, reject_form, status: int = 200):
    context = {"a": application, "reject_form": reject_form, "gender": _gender(application.gender),
               "work_place": _place(application.work_division_code),
               "id_place": _place(application.division_code), "today": timezone.localdate()}
    return render(request, "console/join/detail.html", context, status=status)


@cadre_required
@require_POST
def join_approve_one(request, pk: int):
    application = join_application_get(actor=request.user, pk=pk)
    try:
        member = join_approve(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已批准：%(name)s 已登记为%(org)s会员，电子会员卡已发放。") % {
            "name": member.name, "org": application.routed_org.name})
    return redirect("console:join-detail", pk=application.pk)


@cadre_required
@require_POST
def join_reject_one(request, pk: int):
    application = join_application_get(actor=request.user, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            join_reject(application=application, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                form.add_error("reason", exc.error_dict["reason"])
            else:
                messages.error(request, "；".join(exc.messages))
                return redirect("console:join-detail", pk=application.pk)
        else:
            messages.success(request, _("已不予批准，原因已短信告知申请人。"))
            return redirect("console:join-detail", pk=application.pk)
    return _detail(request, application, form)


@cadre_required
@require_POST
def join_approve_several(request):
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("console:join-queue")
    ids = form.cleaned_data["ids"]
    # Names for the result list, from the cadre's own scope: an id outside it stays a bare number.
    names = dict(queue_of(actor=request.user, status="").filter(pk__in=ids).values_list("pk", "name"))
    results = join_approve_bulk(application_ids=ids, actor=request.user)
    request.session[BULK_RESULTS] = [
        {"pk": pk, "name": names.get(pk, f"#{pk}"), "ok": ok, "message": message, "linked": pk in names}
        for pk, ok, message in results
    ]
    approved = sum(1 for _pk, ok, _m in results if ok)
    messages.info(request, _("批量批准：%(ok)d 份已批准，%(failed)d 份未能批准。") % {
        "ok": approved, "failed": len(results) - approved})
    return redirect("console:join-queue")


def _gender(code: str) -> str:
    try:
        return Gender(code).label
    except ValueError:
        return ""


def _place(code: str) -> str:
    if not code:
        return ""
    names = []
    for prefix in (code[:2], code[:4], code[:6]):
        try:
            name = divisions.get(prefix).name
        except divisions.UnknownDivision:
            continue
        if name not in names:
            names.append(name)
    return " ".join(names)
