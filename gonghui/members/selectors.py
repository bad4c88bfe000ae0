"""Reads of the member register, always scoped to what the actor may see."""
import re

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core import idnumber
from gonghui.core.prepared import PreparedQuery, model_fields
from gonghui.core.scoping import actor_paths, collapse, subtree_q
from gonghui.members.models import Member, member_scope_q
from gonghui.members.records import id_number_index
from gonghui.orgs.models import Org

_INITIALS = re.compile(r"^[a-zA-Z]{1,10}$")


# What a member's page or answer shows: the member's columns but the look-up keys, and its union's name.
_DETAIL_FIELDS = tuple(f.attname for f in Member._meta.concrete_fields
                       if f.attname not in {"id_number_hash", "phone_hash", "name_initials", "created_at"})
_DETAIL_ORG_FIELDS = model_fields(Org, ("id", "name", "code", "path", "kind", "level", "status"))


def _detail_query(p, ranges: int, own: bool):
    prefixes = [getattr(p, f"path{i}") for i in range(ranges)]
    return (Member.objects.filter(member_scope_q(prefixes, p.user_id if own else None), pk=p.pk)
            .values_list(*_DETAIL_FIELDS, *(f"org__{name}" for name in _DETAIL_ORG_FIELDS)))


_DETAIL = PreparedQuery(_detail_query, strings=("path*",))


def member_get(*, actor, pk: int) -> Member:
    """One member in the actor's scope, or Http404. The API's look-up: compiled once (core.prepared)."""
    prefixes = collapse(actor_paths(actor))
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    params = {f"path{i}": prefix for i, prefix in enumerate(prefixes)}
    rows = _DETAIL.rows(shape=(len(prefixes), authenticated), pk=pk,
                        user_id=actor.pk if authenticated else None, **params)
    if not rows:
        raise Http404(_("会员不存在或不在您的管辖范围内"))
    row, split = rows[0], len(_DETAIL_FIELDS)
    member = Member.from_db("default", _DETAIL_FIELDS, row[:split])
    member.org = Org.from_db("default", _DETAIL_ORG_FIELDS, row[split:])
    return member


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
