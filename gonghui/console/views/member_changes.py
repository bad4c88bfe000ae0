"""Changing a member from their console page: a change of membership (会籍变化), the record's national fields,
a new card. Thin: scope first (member_get answers 404 outside the cadre's subtree), then a cadre who may only
read (an auditor) gets 403, then members.services decides and writes; its refusals go back on the page.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.console.decorators import cadre_required
from gonghui.console.forms_members import MemberEditForm, MembershipEndForm, add_service_errors
from gonghui.members import services
from gonghui.members.choices import MembershipChange, MembershipChangeReason
from gonghui.members.models import MembershipEvent
from gonghui.members.permissions import can_unmask
from gonghui.members.selectors import member_get
from gonghui.orgs.permissions import can_manage_org
from gonghui.orgs.selectors import org_ancestors


def membership_history(member) -> list[dict]:
    """The member's events, oldest first, with the labels of their national codes."""
    reasons = dict(MembershipChangeReason.choices)
    events = MembershipEvent.objects.filter(member_id=member.pk).select_related("org").order_by("on", "id")
    return [{"kind": MembershipChange(e.kind).label if e.kind in MembershipChange.values else e.kind,
             "reason": reasons.get(e.reason_code, e.reason_code), "on": e.on, "org": e.org.name, "note": e.note}
            for e in events]


def detail_context(request, member, *, end_form=None, edit_form=None) -> dict:
    may_manage = can_manage_org(request.user, member.org)
    return {
        "member": member, "ancestors": org_ancestors(actor=request.user, org=member.org),
        "age": _age(member.birth_date), "events": membership_history(member), "may_manage": may_manage,
        "end_form": (end_form or MembershipEndForm()) if may_manage else None,
        "edit_form": (edit_form or MemberEditForm(member=member)) if may_manage else None,
        "may_unmask": can_unmask(request.user, member),  # 查看完整号码 (console.views.unmask)
    }


def _managed_member(request, pk: int):
    member = member_get(actor=request.user, pk=pk)
    if not can_manage_org(request.user, member.org):
        raise PermissionDenied(_("只有会员所在工会（或其上级）的主席、工作人员可以办理"))
    return member


def _again(request, member, **forms):
    """The member's page again with the refused form filled in and its errors shown, nothing saved."""
    return render(request, "console/member_detail.html", detail_context(request, member, **forms), status=422)


@cadre_required
@require_POST
def member_membership_end(request, pk: int):
    member = _managed_member(request, pk)
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(member=member, actor=request.user, **form.service_args())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            member.refresh_from_db()
            messages.success(request, _("已办理：%(name)s 的会籍状态现为“%(s)s”。") % {
                "name": member.name, "s": member.get_status_display()})
            return redirect("console:member-detail", pk=member.pk)
    return _again(request, member, end_form=form)


@cadre_required
@require_POST
def member_edit(request, pk: int):
    member = _managed_member(request, pk)
    form = MemberEditForm(request.POST, member=member)
    if form.is_valid():
        try:
            services.member_update(member=member, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("会员信息已保存。"))
            return redirect("console:member-detail", pk=member.pk)
    return _again(request, member, edit_form=form)


@cadre_required
@require_POST
def member_card_reissue(request, pk: int):
    member = _managed_member(request, pk)
    try:
        services.member_card_reissue(member=member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        member.refresh_from_db()
        messages.success(request, _("已换发会员卡，新会员证号 %(n)s；旧卡即时作废。") % {"n": member.card_number})
    return redirect("console:member-detail", pk=member.pk)


def _age(born) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
