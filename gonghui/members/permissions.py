from gonghui.members.models import Member
from gonghui.orgs.permissions import can_manage_org


def can_manage_member(actor, member: Member) -> bool:
    return can_manage_org(actor, member.org)


def can_unmask(actor, member: Member) -> bool:
    """Who may see a member's full ID and phone number (with a stated reason, audited: members.unmask).

    The chair or staff of the member's union or of a union above it: they register and change the record, and
    need the number to reach the person. Never an auditor (经审, reads only) or an administrator (三员: no
    member at all). The member themself too (PIPL art. 45: the right to see one's own information).
    A whole roster unmasked is a larger matter: chairs only (roster.permissions.can_export_unmasked).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if member.user_id is not None and member.user_id == actor.pk:
        return True
    return can_manage_member(actor, member)
