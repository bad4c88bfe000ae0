"""Reads of transfers (转会), each side seeing its own half, and the public search for a transfer's target union.

A transfer belongs to two scopes at once: the sending union's (from_org) and the receiving union's (to_org).
Every query starts from `Transfer.objects.visible_to(actor)`; the incoming and outgoing queues then keep only
the half the actor works on. Neither side learns more about the other union than its name: the transfer row
carries one member and two union names, never the other union's register.
"""
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from gonghui.core.scoping import actor_paths, paths_q
from gonghui.joining.choices import TransferStatus
from gonghui.joining.models import Transfer
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org

UNION_QUERY_MIN = 2
UNION_SEARCH_LIMIT = 20
_RELATED = ("member", "from_org", "to_org", "requested_by", "decided_by")


def receiving_unions_q() -> Q:
    """Unions a member can belong to directly: grassroots unions, and the industry and regional unions that
    organise new-forms workers (riders, couriers: 新就业形态劳动者 join those, having no employer's union)."""
    return Q(kind=OrgKind.GRASSROOTS) | Q(kind__in=[OrgKind.INDUSTRY, OrgKind.REGIONAL], new_forms=True)


def takes_members(org: Org) -> bool:
    return org.kind == OrgKind.GRASSROOTS or (org.kind in (OrgKind.INDUSTRY, OrgKind.REGIONAL) and org.new_forms)


def _queue_order(qs):
    # Open transfers first, oldest first (work waits in the order it came); decided ones after, newest first.
    return qs.annotate(
        open_rank=Case(When(status=TransferStatus.REQUESTED, then=Value(0)), default=Value(1),
                       output_field=IntegerField()),
    ).order_by("open_rank", F("decided_at").desc(nulls_first=True), "requested_at", "pk")


def _filtered(qs, status: str):
    if status == "open":
        return qs.filter(status=TransferStatus.REQUESTED)
    if status == "closed":
        return qs.exclude(status=TransferStatus.REQUESTED)
    if status:
        return qs.filter(status=status)
    return qs


def transfers_incoming(*, actor, status: str = ""):
    """Transfers into the actor's subtree (the receiving half), open ones first.

    `status`: "" for all, "open", "closed", or one TransferStatus value.
    """
    qs = Transfer.objects.visible_to(actor).filter(paths_q(actor_paths(actor), field="to_org__path"))
    return _queue_order(_filtered(qs.select_related(*_RELATED), status))


def transfers_outgoing(*, actor, status: str = ""):
    """Transfers out of the actor's subtree (the sending half), open ones first."""
    qs = Transfer.objects.visible_to(actor).filter(paths_q(actor_paths(actor), field="from_org__path"))
    return _queue_order(_filtered(qs.select_related(*_RELATED), status))


def transfers_visible(*, actor, status: str = ""):
    """Every transfer the actor may see (either side, or a worker's own), newest first."""
    qs = _filtered(Transfer.objects.visible_to(actor).select_related(*_RELATED), status)
    return qs.order_by("-requested_at", "-pk")


def transfer_get(*, actor, pk: int) -> Transfer:
    """One transfer whose sending or receiving union is in the actor's scope, or the worker's own; else 404."""
    return get_object_or_404(Transfer.objects.visible_to(actor).select_related(*_RELATED), pk=pk)


def my_transfers(*, user):
    """The signed-in worker's own transfers (as the member moved), newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Transfer.objects.none()
    return (Transfer.objects.filter(member__user=user).select_related("from_org", "to_org")
            .order_by("-requested_at", "-pk"))


def open_transfer_of(member) -> Transfer | None:
    """The member's transfer waiting for the receiving union, if any (at most one: a partial unique index)."""
    return (Transfer.objects.filter(member=member, status=TransferStatus.REQUESTED)
            .select_related("from_org", "to_org").first())


def transfer_halves(actor, transfer: Transfer) -> set[str]:
    """Which halves of `transfer` the actor sees: "receiving", "sending" (by scope) and "member" (their own)."""
    paths = actor_paths(actor)
    halves = set()
    if any(transfer.to_org.path.startswith(p) for p in paths):
        halves.add("receiving")
    if any(transfer.from_org.path.startswith(p) for p in paths):
        halves.add("sending")
    if actor is not None and getattr(actor, "pk", None) is not None and transfer.member.user_id == actor.pk:
        halves.add("member")
    return halves


def union_search(*, query: str, exclude: Org | int | None = None, limit: int = UNION_SEARCH_LIMIT) -> list[dict]:
    """Active unions a member can transfer into, by name (contains), across every county, city and province.

    Not scoped: a worker moving from 锦江区 to 绵阳 must find a union none of their own cadres manages. So only
    what a union prints on its door leaves here: id, name, kind and the federations it sits under. Never
    member counts, chairs, addresses, credit codes or anything about people.
    """
    q = "".join(str(query or "").split())
    if len(q) < UNION_QUERY_MIN:
        return []
    limit = max(1, min(int(limit), 50))
    qs = Org.objects.filter(receiving_unions_q(), status=OrgStatus.ACTIVE, name__contains=q)
    if exclude is not None:
        qs = qs.exclude(pk=getattr(exclude, "pk", exclude))
    rows = list(qs.only("pk", "name", "kind", "path").order_by("name", "pk")[:limit])
    areas = _areas(rows)
    return [{"id": org.pk, "name": org.name, "kind": org.kind, "kind_label": str(org.get_kind_display()),
             "area": areas.get(org.pk, "")} for org in rows]


def union_for_transfer(pk) -> Org:
    """The union a transfer request names as its target, whoever asks; the service then refuses one that is
    closed or takes no members, with a message saying why. A missing id is a validation error of the field."""
    try:
        org = Org.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        org = None
    if org is None:
        raise ValidationError({"to_org": _("请选择要转入的工会")})
    return org


def _areas(orgs: list[Org]) -> dict[int, str]:
    """'成都市总工会 · 锦江区总工会': the city and county federations above each org, by one query."""
    ancestors = {pk for org in orgs for pk in org.ancestor_ids()}
    federations = {pk: name for pk, name in Org.objects.filter(
        pk__in=ancestors, kind=OrgKind.FEDERATION, level__in=[OrgLevel.CITY, OrgLevel.COUNTY],
    ).values_list("pk", "name")}
    return {org.pk: " · ".join(federations[pk] for pk in org.ancestor_ids() if pk in federations) for org in orgs}
