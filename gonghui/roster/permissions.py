"""Who may export a roster, and who may export it unmasked."""
from gonghui.accounts.choices import RoleKind
from gonghui.orgs.models import Org
from gonghui.orgs.permissions import can_see_org


def can_export_roster(actor, org: Org) -> bool:
    """The system (actor None) or any cadre who sees the org: the export is masked."""
    return actor is None or can_see_org(actor, org)


def can_export_unmasked(actor, org: Org) -> bool:
    """Full ID and phone numbers: the chair of the org or of a union above it, never an auditor or staff.

    The system actor (the command line without --as, i.e. the server's operator) may, with a stated reason."""
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return any(role.kind == RoleKind.CHAIR and org.path.startswith(role.org.path)
               for role in getattr(actor, "active_roles", []))
