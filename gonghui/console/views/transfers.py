"""Transfers (转会) in the console: the incoming queue, what went out, the history, one transfer, and starting one.

Each side sees its own half: a transfer answers 404 unless the cadre's scope holds its sending or receiving
union (transfer_get). Who may accept, decline or cancel is joining.services' to decide; a cadre who may see a
transfer but not act on it (the sending side pressing accept) gets 403 and nothing changes.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import cadre_required
from gonghui.console.navigation import page_of
from gonghui.joining import selectors_transfers as selectors
from gonghui.joining.choices import TransferStatus
from gonghui.joining.permissions import can_cancel_transfer, can_decide_transfer, can_request_transfer
from gonghui.joining.services import transfers as services
from gonghui.members.models import Member
from gonghui.members.selectors import member_get
from gonghui.orgs.permissions import can_see_org

PER_PAGE = 30
TABS = ("incoming", "outgoing", "history")
QUERY_MAX = 40


@cadre_required
def transfer_list(request):
    tab = request.GET.get("tab", "")
    tab = tab if tab in TABS else "incoming"
    if tab == "incoming":
        rows = selectors.transfers_incoming(actor=request.user, status="open")
    elif tab == "outgoing":
        rows = selectors.transfers_outgoing(actor=request.user, status="open")
    else:
        rows = selectors.transfers_visible(actor=request.user, status="closed")
    page = page_of(rows, request.GET.get("page"), PER_PAGE)
    waiting = selectors.transfers_incoming(actor=request.user, status="open").count()
    context = {"page": page, "tab": tab, "base_query": f"tab={tab}", "waiting": waiting,
               "tabs": [("incoming", _("转入待处理")), ("outgoing", _("转出")), ("history", _("历史"))]}
    return render(request, "console/transfers/list.html", context)


@cadre_required
def transfer_detail(request, pk: int):
    transfer = selectors.transfer_get(actor=request.user, pk=pk)
    return _detail(request, transfer, decline_error="")


def _detail(request, transfer, *, decline_error: str, decline_reason: str = "", status: int = 200):
    user = request.user
    is_open = transfer.status == TransferStatus.REQUESTED
    context = {
        "t": transfer,
        "halves": selectors.transfer_halves(user, transfer),
        "can_decide": is_open and can_decide_transfer(user, transfer),
        "can_cancel": is_open and can_cancel_transfer(user, transfer),
        # Links only where the cadre's scope reaches: the other side's union is a name, not a page.
        "member_visible": Member.objects.visible_to(user).filter(pk=transfer.member_id).exists(),
        "from_visible": can_see_org(user, transfer.from_org),
        "to_visible": can_see_org(user, transfer.to_org),
        "decline_error": decline_error,
        "decline_reason": decline_reason,
    }
    return render(request, "console/transfers/detail.html", context, status=status)


@cadre_required
@require_POST
def transfer_accept(request, pk: int):
    transfer = selectors.transfer_get(actor=request.user, pk=pk)
    try:
        services.transfer_accept(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已接收：%(name)s 已转入%(org)s，会龄连续计算，电子会员卡已换发。") % {
            "name": transfer.member.name, "org": transfer.to_org.name})
    return redirect("console:transfer-detail", pk=transfer.pk)


@cadre_required
@require_POST
def transfer_decline(request, pk: int):
    transfer = selectors.transfer_get(actor=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        services.transfer_decline(transfer=transfer, actor=request.user, reason=reason)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
            return _detail(request, transfer, decline_error="；".join(exc.message_dict["reason"]),
                           decline_reason=reason[:services.REASON_MAX], status=422)
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已拒绝该转会，原因已短信告知会员。"))
    return redirect("console:transfer-detail", pk=transfer.pk)


@cadre_required
@require_POST
def transfer_cancel(request, pk: int):
    transfer = selectors.transfer_get(actor=request.user, pk=pk)
    try:
        services.transfer_cancel(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤销该转会。"))
    return redirect("console:transfer-detail", pk=transfer.pk)


@cadre_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk: int):
    """发起转会 for a member in scope: find the receiving union anywhere by name, give a reason, send."""
    member = member_get(actor=request.user, pk=pk)
    open_transfer = selectors.open_transfer_of(member)
    errors: list[str] = []
    chosen = request.POST.get("to_org", "")
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        if not can_request_transfer(request.user, member):
            raise PermissionDenied(_("只有会员所在工会的干部可以发起转会"))
        try:
            to_org = selectors.union_for_transfer(chosen)
            transfer = services.transfer_request(member=member, to_org=to_org, actor=request.user, reason=reason)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已发起转会，等待“%(org)s”接收。") % {"org": to_org.name})
            return redirect("console:transfer-detail", pk=transfer.pk)
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:QUERY_MAX]
    context = {
        "member": member, "open_transfer": open_transfer, "q": q, "reason": reason, "errors": errors,
        "chosen": chosen, "may_request": can_request_transfer(request.user, member),
        "unions": selectors.union_search(query=q, exclude=member.org) if q else [],
        "too_short": bool(q) and len("".join(q.split())) < selectors.UNION_QUERY_MIN,
    }
    return render(request, "console/transfers/member_transfer.html", context, status=422 if errors else 200)
