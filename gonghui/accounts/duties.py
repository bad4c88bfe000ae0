"""Separation of duties (三员, GB/T 22239-2019 8.1.4.2 d; ASVS 8.2.1): who holds which administrator duty.

The system administrator (系统管理员) keeps the platform running: Django's admin on non-personal models only.
The security administrator (安全管理员) manages accounts and business roles. The audit administrator
(审计管理员) reads the audit log. None of them sees a member, and no account holds two of them or a business
role beside one: the database refuses a second duty (constraint role_one_duty_per_user), role_grant refuses
both with a reason. Duties are granted by the operator (a superuser, or the command line), never by a cadre.
"""
from django.utils.translation import gettext as _

from gonghui.accounts.choices import DUTIES, RoleKind


def duty_of(user) -> str:
    return getattr(user, "duty", "") or ""


def is_security_admin(actor) -> bool:
    return duty_of(actor) == RoleKind.SECADMIN


def is_audit_admin(actor) -> bool:
    return duty_of(actor) == RoleKind.AUDITADMIN


def may_grant_duty(actor) -> bool:
    """Only the operator grants a duty: an administrator appointing another would defeat the separation."""
    return actor is None or bool(getattr(actor, "is_superuser", False))


def duty_conflict(user, kind: str) -> str:
    """Why `kind` may not be added to `user`'s roles, or "" if it may. Reads the rows, not a cached list."""
    from gonghui.accounts.models import Role

    held = set(Role.objects.filter(user=user).values_list("kind", flat=True))
    held_duties = held & DUTIES
    if kind in DUTIES:
        if held_duties - {kind}:
            other = RoleKind(next(iter(held_duties))).label
            return _("该账号已担任%(other)s；系统管理员、安全管理员、审计管理员不得由同一账号兼任") % {"other": other}
        if kind in held_duties:
            return _("该账号已担任%(duty)s") % {"duty": RoleKind(kind).label}
        if held - DUTIES:
            return _("该账号担任业务角色，不能再担任管理员；请为管理员另建账号")
    elif held_duties:
        return _("管理员账号（%(duty)s）不能担任业务角色") % {"duty": RoleKind(next(iter(held_duties))).label}
    return ""


# --- reads for the administrators' pages (the writes are accounts.services: role_grant, role_revoke, ...) --


def account_list(*, actor, query: str = ""):
    """Every account, for the security administrator: username, name, roles. No phone, no member."""
    from django.core.exceptions import PermissionDenied
    from django.db.models import Prefetch, Q

    from gonghui.accounts.models import Role, User

    if not is_security_admin(actor):
        raise PermissionDenied(_("只有安全管理员可以管理账号"))
    users = User.objects.only("id", "username", "display_name", "is_active", "last_login").prefetch_related(
        Prefetch("roles", queryset=Role.objects.select_related("org").only("id", "kind", "user_id", "org__name")))
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    # Cadres and administrators only: a worker's account is their phone number, which is personal data.
    return users.exclude(password__startswith="!").order_by("username")


def account_get(*, actor, pk: int):
    from django.http import Http404

    user = account_list(actor=actor).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def audit_events(*, actor, date_from=None, date_to=None, action: str = "", who: str = ""):
    """The audit log, newest first, for the audit administrator only. Its rows hold masked values only
    (gonghui.core.audit), and the page shows nothing else."""
    from django.core.exceptions import PermissionDenied

    from gonghui.core.models import AuditEvent

    if not is_audit_admin(actor):
        raise PermissionDenied(_("只有审计管理员可以查看审计日志"))
    events = AuditEvent.objects.order_by("-id")
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    if action:
        events = events.filter(action__startswith=action)
    if who:
        from django.db.models import Q

        events = events.filter(Q(actor_label__icontains=who) | Q(actor__username=who))
    return events
