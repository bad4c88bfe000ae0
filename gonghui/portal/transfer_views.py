"""A worker's own transfer (转会), phone first: find the union to move to anywhere, ask, follow, cancel.

The portal knows no cadre scope: these pages show the signed-in person their own transfers only, and a
transfer that is not theirs answers 404 like a missing one.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.ratelimit import rate_limit
from gonghui.joining import selectors_transfers as selectors
from gonghui.joining.permissions import can_cancel_transfer
from gonghui.joining.services import transfers as services
from gonghui.members.selectors import member_of_user

QUERY_MAX = 40
HISTORY = 10


@never_cache
@login_required(login_url="portal:login")
@require_http_methods(["GET", "POST"])
@rate_limit("apply_ip", "apply_user")
def transfer(request):
    member = member_of_user(user=request.user)
    errors: list[str] = []
    chosen = request.POST.get("to_org", "")
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        try:
            if member is None:
                raise ValidationError(_("您还不是工会会员，无法转会"))
            to_org = selectors.union_for_transfer(chosen)
            services.transfer_request(member=member, to_org=to_org, actor=request.user, reason=reason)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("转会申请已提交，等待“%(org)s”接收，结果将以短信通知您。") % {"org": to_org.name})
            return redirect("portal:transfer")
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:QUERY_MAX]
    open_transfer = selectors.open_transfer_of(member) if member is not None else None
    context = {
        "member": member, "open_transfer": open_transfer, "errors": errors, "q": q, "reason": reason,
        "chosen": chosen,
        "can_cancel": open_transfer is not None and can_cancel_transfer(request.user, open_transfer),
        "history": [t for t in selectors.my_transfers(user=request.user)[:HISTORY] if t != open_transfer],
        "unions": (selectors.union_search(query=q, exclude=member.org)
                   if q and member is not None and open_transfer is None else []),
        "too_short": bool(q) and len("".join(q.split())) < selectors.UNION_QUERY_MIN,
    }
    return render(request, "portal/transfer.html", context, status=422 if errors else 200)


@never_cache
@login_required(login_url="portal:login")
@require_POST
@rate_limit("apply_ip", "apply_user")
def transfer_cancel(request, pk: int):
    transfer = get_object_or_404(selectors.my_transfers(user=request.user), pk=pk)
    try:
        services.transfer_cancel(transfer=transfer, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("转会申请已撤销。"))
    return redirect("portal:transfer")
