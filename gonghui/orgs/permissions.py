"""Who may change the union tree. Reading is decided by Org.objects.visible_to alone."""
from gonghui.core.scoping import actor_paths
from gonghui.orgs.models import Org

# Role kinds that may change orgs in their subtree; auditors only read.
MANAGING_ROLES = {"chair", "staff"}


def can_manage_org(actor, org: Org) -> bool:
    """A chair or staff cadre may manage any org strictly inside or at their role's org."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return any(org.path.startswith(p) for p in getattr(actor, "managing_paths", []))


def can_see_org(actor, org: Org) -> bool:
    return any(org.path.startswith(p) for p in actor_paths(actor))
