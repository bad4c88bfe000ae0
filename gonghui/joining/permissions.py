"""Who may act on join applications and transfers. Seeing one is decided by the models' visible_to alone."""
from gonghui.joining.choices import TransferSide
from gonghui.orgs.permissions import can_manage_org


def can_decide_application(actor, application) -> bool:
    """A chair or staff cadre of the union the application was routed to, or of a union above it."""
    return can_manage_org(actor, application.routed_org)


def can_withdraw_application(actor, application) -> bool:
    return actor is not None and getattr(actor, "pk", None) == application.applicant_id


# --- transfers (转会) ----------------------------------------------------------------------------------------
# A transfer is a two-sided handshake: the member or the sending union asks, the receiving union decides. Each
# side acts only in its own scope; seeing a transfer is decided by Transfer.objects.visible_to alone.


def _is_member_themself(actor, member) -> bool:
    return actor is not None and getattr(actor, "pk", None) is not None and member.user_id == actor.pk


def can_request_transfer(actor, member) -> bool:
    """The member themself, or a chair or staff cadre of the member's current union (or a union above it)."""
    return _is_member_themself(actor, member) or can_manage_org(actor, member.org)


def can_decide_transfer(actor, transfer) -> bool:
    """Accept or decline: a managing cadre of the receiving union, never the person who asked.

    A cadre above both unions (a city cadre for a move between two of its counties) manages the receiving
    side too, but the one who made the request must not also grant it: the handshake needs two people.
    """
    return can_manage_org(actor, transfer.to_org) and getattr(actor, "pk", None) != transfer.requested_by_id


def can_cancel_transfer(actor, transfer) -> bool:
    """The side that asked: the member for their own request, the sending union's cadres for theirs."""
    if transfer.side == TransferSide.MEMBER:
        return _is_member_themself(actor, transfer.member)
    return can_manage_org(actor, transfer.from_org)
