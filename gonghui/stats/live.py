"""Figures computed straight from the raw rows: slow, the reference the tallies are checked against.

Semantics (docs/stats.md): stock figures as of the end of a day, under the tree as it is now, with each
member's current attributes and their membership (union and status) as the membership events say it was at
that date. Flow figures count the events dated in the days of the period, under the current tree. They agree
with the tallies exactly for the current figures, and for past days as long as no subtree was moved, no union
merged and no member record edited after them (the tallies keep those changes at the month they happened:
the historical view; this module has no history of attributes to reconstruct it).
"""
from collections import Counter
from datetime import date
from itertools import pairwise

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from gonghui.core.scoping import subtree_q
from gonghui.members.choices import MembershipChange, MemberStatus
from gonghui.members.models import Member, MembershipEvent
from gonghui.orgs.choices import OrgKind, OrgStatus
from gonghui.orgs.models import Org
from gonghui.stats.categories import MEMBER_CATEGORIES, NEW_FORMS_KINDS, category_q, member_categories
from gonghui.stats.figures import AGE_KEYS, FLOW_KEYS, STOCK_KEYS, age_band
from gonghui.stats.periods import age_year, is_current

_ORG_COUNT_KEYS = [k for k in STOCK_KEYS if k.startswith("orgs_") or k == "grassroots_new_forms"]
_ACTIVE_STATES = {MembershipChange.JOIN: MemberStatus.ACTIVE, MembershipChange.TRANSFER_IN: MemberStatus.ACTIVE,
                  MembershipChange.RETAIN: MemberStatus.RETAINED}


def live_figures(org: Org, *, as_of: date | None = None) -> dict[str, int]:
    figures = dict.fromkeys(STOCK_KEYS, 0)
    figures.update(_org_figures(org, as_of))
    if is_current(as_of):
        figures.update(_current_member_figures(org, age_year(as_of)))
    else:
        figures.update(_past_member_figures(org, as_of))
    return figures


def _org_figures(org: Org, as_of: date | None) -> dict[str, int]:
    orgs = Org.objects.filter(subtree_q(org.path))
    if is_current(as_of):
        active = Q(status=OrgStatus.ACTIVE)
    else:
        end = as_of
        # Counted once founded (or created) and until closed or merged, with today's attributes.
        orgs = orgs.annotate(found=Coalesce("founded_on", TruncDate("created_at"))).filter(found__lte=end)
        active = Q(status=OrgStatus.ACTIVE) | Q(closed_on__gt=end)
    aggregates = {key: Count("pk", filter=active & _kind_q(key)) for key in _ORG_COUNT_KEYS}
    aggregates["employees"] = Coalesce(Sum("employee_count", filter=active & Q(kind=OrgKind.GRASSROOTS)), 0)
    return orgs.aggregate(**aggregates)


def _kind_q(key: str) -> Q:
    if key == "orgs_total":
        return Q()
    if key == "grassroots_new_forms":
        return Q(new_forms=True, kind__in=list(NEW_FORMS_KINDS))
    return Q(kind=key.removeprefix("orgs_"))


def member_aggregates() -> dict:
    """The member stock figures as aggregates over Member rows (a subtree's, or grouped by union)."""
    active = Q(status=MemberStatus.ACTIVE)
    aggregates = {"members": Count("pk", filter=active),
                  "members_retained": Count("pk", filter=Q(status=MemberStatus.RETAINED))}
    for key in MEMBER_CATEGORIES:
        aggregates[key] = Count("pk", filter=active & category_q(key))
    return aggregates


def org_aggregates() -> dict:
    """The org stock figures as aggregates over active Org rows."""
    active = Q(status=OrgStatus.ACTIVE)
    aggregates = {key: Count("pk", filter=active & _kind_q(key)) for key in _ORG_COUNT_KEYS}
    aggregates["employees"] = Coalesce(Sum("employee_count", filter=active & Q(kind=OrgKind.GRASSROOTS)), 0)
    return aggregates


def _current_member_figures(org: Org, year: int) -> dict[str, int]:
    members = Member.objects.filter(subtree_q(org.path, "org__path"))
    active = Q(status=MemberStatus.ACTIVE)
    figures = members.aggregate(**member_aggregates())
    figures.update(dict.fromkeys(AGE_KEYS, 0))
    for born, n in members.filter(active).values_list("birth_date__year").annotate(n=Count("pk")):
        figures[age_band(year - born)] += n
    return figures


def _past_member_figures(org: Org, end: date) -> dict[str, int]:
    """Each member's union and status at `end` replayed from their events (members with no history count
    from their join date with their current union and status, as member_status_from_events does)."""
    in_tree = set(Org.objects.filter(subtree_q(org.path)).values_list("pk", flat=True))
    state: dict[int, tuple[int, str]] = {}
    seen: set[int] = set()
    for member_id, kind, org_id, on, reason in MembershipEvent.objects.order_by("member_id", "on", "id").values_list(
            "member_id", "kind", "org_id", "on", "reason_code"):
        seen.add(member_id)
        if on > end:
            continue
        state[member_id] = (org_id, _ACTIVE_STATES.get(kind, "ended"))
    figures = Counter()
    fields = ["pk", "org_id", "status", "joined_on", "birth_date", *{f for f, _v, _n in MEMBER_CATEGORIES.values()}]
    for row in Member.objects.values(*fields).iterator():
        if row["pk"] in seen:
            held = state.get(row["pk"])
        else:
            held = (row["org_id"], row["status"]) if row["joined_on"] <= end else None
        if held is None or held[0] not in in_tree:
            continue
        if held[1] == MemberStatus.RETAINED:
            figures["members_retained"] += 1
        elif held[1] == MemberStatus.ACTIVE:
            figures["members"] += 1
            figures.update(member_categories(row))
            figures[age_band(end.year - row["birth_date"].year)] += 1
    return {key: figures[key] for key in STOCK_KEYS if not key.startswith("orgs_")
            and key not in ("grassroots_new_forms", "employees")}


def live_flows(org: Org, *, start: date, end: date) -> dict[str, int]:
    first, last = start, end
    in_tree = Q(subtree_q(org.path, "org__path"))
    events = MembershipEvent.objects.filter(on__gte=first, on__lte=last)
    flows = dict.fromkeys(FLOW_KEYS, 0)
    own = events.filter(in_tree)
    flows["joined"] = own.filter(kind=MembershipChange.JOIN).count()
    flows["joined_new_forms"] = own.filter(kind=MembershipChange.JOIN).exclude(member__employment_form="").count()
    flows["left"] = own.filter(kind__in=[MembershipChange.WITHDRAW, MembershipChange.STRIKE_OFF]).count()
    flows["retained"] = own.filter(kind=MembershipChange.RETAIN).count()
    tree_ids = set(Org.objects.filter(subtree_q(org.path)).values_list("pk", flat=True))
    moves = list(events.filter(kind__in=[MembershipChange.TRANSFER_OUT, MembershipChange.TRANSFER_IN]).order_by(
        "member_id", "on", "id").values_list("member_id", "kind", "org_id"))
    # A transfer writes its TRANSFER_OUT and TRANSFER_IN together: consecutive rows of the same member.
    for (m1, k1, from_org), (m2, k2, to_org) in pairwise(moves):
        if m1 == m2 and k1 == MembershipChange.TRANSFER_OUT and k2 == MembershipChange.TRANSFER_IN:
            if from_org in tree_ids and to_org not in tree_ids:
                flows["transferred_out"] += 1
            elif to_org in tree_ids and from_org not in tree_ids:
                flows["transferred_in"] += 1
    flows["grassroots_founded"] = Org.objects.filter(subtree_q(org.path), kind=OrgKind.GRASSROOTS).annotate(
        found=Coalesce("founded_on", TruncDate("created_at"))).filter(found__gte=first, found__lte=last).count()
    return flows
