"""查看完整号码 on a member's page: a reason in, the numbers shown once on a page of their own (members.unmask).

The page is never cached (core.middleware.NoStoreMiddleware) and reached by POST only, so neither the browser's
history nor a reload shows the numbers again without a new reason and a new audit event.
"""
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_POST

from gonghui.console.decorators import cadre_required
from gonghui.console.views.member_changes import detail_context
from gonghui.core.ratelimit import rate_limit
from gonghui.members.selectors import member_get
from gonghui.members.unmask import member_unmask


@cadre_required
@require_POST
@rate_limit("unmask_user")  # one count per account, shared with the API's: harvesting numbers meets a wall
def member_unmask_view(request, pk: int):
    member = member_get(actor=request.user, pk=pk)  # out of scope: 404, like a missing member
    reason = request.POST.get("reason", "")
    try:
        shown = member_unmask(member=member, reason=reason, actor=request.user)  # no permission: 403
    except ValidationError as exc:
        context = detail_context(request, member)
        context["unmask_error"] = "；".join(exc.message_dict.get("reason", exc.messages))
        return render(request, "console/member_detail.html", context, status=422)
    return render(request, "console/member_unmask.html", {"member": member, "shown": shown, "reason": reason})
