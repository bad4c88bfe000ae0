from gonghui.members.models import Member
from gonghui.orgs.permissions import can_manage_org


def can_manage_member(actor, member: Member) -> bool:
    return can_manage_org(actor, member.org)
