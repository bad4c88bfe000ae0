"""The administrators' pages (三员, gonghui.accounts.duties): the audit log for the audit administrator, the
accounts for the security administrator. The system administrator's page is Django's admin, limited to
non-personal models (gonghui.core.admin). Thin: a selector or a service each, refusals shown in Chinese.
"""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts import services
from gonghui.accounts.choices import RoleKind
from gonghui.accounts.duties import account_get, account_list, audit_events
from gonghui.accounts.models import Role
from gonghui.console.decorators import duty_required
from gonghui.console.navigation import page_of
from gonghui.core.audit_labels import action_label, change_items, object_type_label
from gonghui.orgs.models import Org

_HOME = {RoleKind.SYSADMIN: "admin:index", RoleKind.SECADMIN: "console:accounts",
         RoleKind.AUDITADMIN: "console:audit-log"}
# The roles a security administrator grants: business roles. Duties are the operator's (accounts.duties).
GRANTABLE = (RoleKind.CHAIR, RoleKind.STAFF, RoleKind.AUDITOR)
AUDIT_PER_PAGE = 50


def duty_home(user) -> str:
    return reverse(_HOME.get(user.duty, "console:home"))


def _day(value: str):
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@duty_required(RoleKind.AUDITADMIN)
def audit_log(request):
    params = request.GET
    filters = {"date_from": _day(params.get("from", "")), "date_to": _day(params.get("to", "")),
               "action": params.get("action", "").strip()[:64], "who": params.get("who", "").strip()[:150]}
    page = page_of(audit_events(actor=request.user, **filters), params.get("page"), AUDIT_PER_PAGE)
    for event in page.rows:  # Chinese labels; the codes stay on the page for an auditor who searches by them
        event.action_label = action_label(event.action)
        event.object_label = object_type_label(event.object_type)
        event.changes = [(side, change_items(values)) for side, values in (("变更前", event.before),
                                                                           ("变更后", event.after)) if values]
    query = params.copy()
    query.pop("page", None)
    return render(request, "console/duties/audit_log.html", {
        "page": page, "base_query": query.urlencode(),
        "f": {k: params.get(k, "") for k in ("from", "to", "action", "who")},
    })


@duty_required(RoleKind.SECADMIN)
def accounts(request):
    q = request.GET.get("q", "").strip()[:50]
    page = page_of(account_list(actor=request.user, query=q), request.GET.get("page"), 30)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/duties/accounts.html", {"page": page, "q": q, "base_query": query.urlencode()})


def _account_page(request, user, *, status=200, error=""):
    return render(request, "console/duties/account_detail.html", {
        "account": user, "roles": list(user.roles.all()), "kinds": [(k.value, k.label) for k in GRANTABLE],
        "error": error}, status=status)


@duty_required(RoleKind.SECADMIN)
def account_detail(request, pk: int):
    return _account_page(request, account_get(actor=request.user, pk=pk))


@require_POST
@duty_required(RoleKind.SECADMIN)
def account_role_grant(request, pk: int):
    user = account_get(actor=request.user, pk=pk)
    kind = request.POST.get("kind", "")
    org = Org.objects.filter(code=request.POST.get("org_code", "").strip()).first()
    if kind not in GRANTABLE:
        return _account_page(request, user, status=422, error=_("请选择要授予的角色"))
    if org is None:
        return _account_page(request, user, status=422, error=_("没有这个组织代码的工会"))
    try:
        services.role_grant(user=user, org=org, kind=kind, actor=request.user)
    except ValidationError as exc:
        return _account_page(request, user, status=422, error="；".join(exc.messages))
    messages.success(request, _("已授予%(name)s：%(org)s %(kind)s") % {
        "name": user, "org": org.name, "kind": RoleKind(kind).label})
    return redirect("console:account-detail", pk=user.pk)


@require_POST
@duty_required(RoleKind.SECADMIN)
def account_role_revoke(request, pk: int, role_pk: int):
    user = account_get(actor=request.user, pk=pk)
    role = get_object_or_404(Role, pk=role_pk, user=user)
    try:
        services.role_revoke(role=role, actor=request.user)
    except PermissionDenied as exc:
        return _account_page(request, user, status=403, error=str(exc))
    messages.success(request, _("已撤销该角色"))
    return redirect("console:account-detail", pk=user.pk)


@require_POST
@duty_required(RoleKind.SECADMIN)
def account_disable(request, pk: int):
    """accounts.services.user_disable: no sign-in, every session ended, every API token revoked."""
    user = account_get(actor=request.user, pk=pk)
    try:
        services.user_disable(user=user, actor=request.user, reason=request.POST.get("reason", "").strip()[:200])
    except (PermissionDenied, ValidationError) as exc:
        return _account_page(request, user, status=422, error="；".join(getattr(exc, "messages", [str(exc)])))
    messages.success(request, _("已停用账号 %(name)s，其登录会话已全部结束") % {"name": user})
    return redirect("console:account-detail", pk=user.pk)
