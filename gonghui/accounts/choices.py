from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    """What an account may do: a business role on an org's subtree, or one of the three administrator duties."""

    CHAIR = "chair", _("主席")
    STAFF = "staff", _("工作人员")
    # A union's fund auditor (经审): reads the subtree's rows. A business role, not the audit administrator.
    AUDITOR = "auditor", _("审计员")
    # The three administrator duties (三员, GB/T 22239-2019 8.1.4.2 d): no account holds two of them, and none
    # of them sees the union's members. The system administrator runs the platform, the security administrator
    # manages accounts and roles, the audit administrator reads the audit log.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


# Roles whose holders act on (change) rows in their subtree; auditors read.
MANAGING = frozenset({RoleKind.CHAIR, RoleKind.STAFF})
# Roles that see the subtree's rows at all. No administrator duty is here: they see no member.
SCOPED = frozenset({RoleKind.CHAIR, RoleKind.STAFF, RoleKind.AUDITOR})
# The administrator duties (三员): one per account at most (database constraint role_one_duty_per_user).
DUTIES = frozenset({RoleKind.SYSADMIN, RoleKind.SECADMIN, RoleKind.AUDITADMIN})
