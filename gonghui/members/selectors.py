"""Reads of the member register, always scoped to what the actor may see."""
import re

from django.db.models import Q
from django.shortcuts import get_object_or_404

from gonghui.core import idnumber
from gonghui.core.scoping import subtree_q
from gonghui.members.models import Member
from gonghui.members.records import id_number_index

# Employer columns of the member's union that no member page or answer shows; deferred so a look-up builds
# and reads a narrower row (bench/join.py).
_ORG_DETAIL = tuple(f"org__{name}" for name in (
    "employer_name", "uscc", "industry_code", "unit_type", "ownership", "employee_count", "small_micro",
    "founded_on", "closed_on", "chair_name", "address", "organised_forms", "join_decision_days", "created_at",
    "updated_at", "merged_into",
))
_INITIALS = re.compile(r"^[a-zA-Z]{1,10}$")


def member_get(*, actor, pk: int) -> Member:
    return get_object_or_404(Member.objects.visible_to(actor).select_related("org").defer(*_ORG_DETAIL), pk=pk)


def member_search(*, actor, query: str = "", org=None):
    """Members by name (contains), pinyin initials (`zw` finds 张伟) or exact ID number, in scope."""
    qs = Member.objects.visible_to(actor).select_related("org")
    if org is not None:
        qs = qs.filter(subtree_q(org.path, field="org__path"))
    q = "".join(query.split())
    if not q:
        return qs.order_by("org__path", "name")
    normalized = idnumber.normalize(q)
    if len(normalized) == 18 and normalized[:17].isdigit():
        return qs.filter(id_number_hash=id_number_index(normalized))
    if _INITIALS.match(q):
        return qs.filter(Q(name_initials__startswith=q.lower()) | Q(name__contains=q)).order_by("name_initials")
    return qs.filter(name__contains=q).order_by("name")


def member_of_user(*, user) -> Member | None:
    """The signed-in worker's own member record, or None when they are not a member (yet)."""
    return Member.objects.visible_to(user).filter(user=user).select_related("org").first()
