from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    """What a cadre may do on an org's subtree."""

    CHAIR = "chair", _("主席")
    STAFF = "staff", _("工作人员")
    AUDITOR = "auditor", _("审计员")
    SYSADMIN = "sysadmin", _("系统管理员")


# Roles whose holders act on (change) rows in their subtree; auditors and system administrators read.
MANAGING = frozenset({RoleKind.CHAIR, RoleKind.STAFF})
# Roles that see the subtree's rows at all.
SCOPED = frozenset({RoleKind.CHAIR, RoleKind.STAFF, RoleKind.AUDITOR, RoleKind.SYSADMIN})
