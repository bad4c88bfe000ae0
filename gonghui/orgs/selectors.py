"""Reads of the union tree, always scoped to what the actor may see."""
from django.db import connection
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404

from gonghui.core.prepared import PreparedQuery
from gonghui.core.scoping import PATH_END, actor_paths, subtree_q
from gonghui.orgs.choices import OrgKind, OrgStatus
from gonghui.orgs.models import Org

# Whole org rows for the one-tap join's reads, compiled once per process (core.prepared; bench/join.py).
_ORG_FIELDS = tuple(f.attname for f in Org._meta.concrete_fields)
_ORG_BY_PK = PreparedQuery(lambda p: Org.objects.filter(pk=p.pk).values_list(*_ORG_FIELDS))
_FEDERATION = PreparedQuery(
    lambda p: Org.objects.filter(kind=OrgKind.FEDERATION, level=p.level, division_code=p.division,
                                 status=OrgStatus.ACTIVE).order_by("depth", "pk").values_list(*_ORG_FIELDS)[:1],
    strings=("level", "division"))


def org_by_pk(pk: int) -> Org | None:
    """Any org by id, unscoped: for public choices (the join form's employer) that the caller checks."""
    rows = _ORG_BY_PK.rows(pk=pk)
    return Org.from_db("default", _ORG_FIELDS, rows[0]) if rows else None


def _organisers(p, with_subtree: bool):
    where = Q(division_code=p.county) | subtree_q(p.path) if with_subtree else Q(division_code=p.county)
    return Org.objects.filter(where, kind__in=(OrgKind.INDUSTRY, OrgKind.REGIONAL),
                              status=OrgStatus.ACTIVE).values_list(*_ORG_FIELDS)


_ORGANISERS = PreparedQuery(_organisers, strings=("county", "path"))


def new_forms_organisers(county: str, subtree_path: str | None) -> list[Org]:
    """Active industry and regional unions of a county's division or under its federation, unscoped: the
    unions that may organise new forms of employment there (the join routing picks among them)."""
    rows = _ORGANISERS.rows(shape=(subtree_path is not None,), county=county, path=subtree_path)
    return [Org.from_db("default", _ORG_FIELDS, row) for row in rows]


def federation_of(division: str, level: str) -> Org | None:
    """The active federation of a division at a level (the shallowest, then the oldest), unscoped."""
    rows = _FEDERATION.rows(level=level, division=division)
    return Org.from_db("default", _ORG_FIELDS, rows[0]) if rows else None


def org_get(*, actor, pk: int) -> Org:
    """The org, or 404 when it is missing or outside the actor's scope (the two look the same)."""
    return get_object_or_404(Org.objects.visible_to(actor), pk=pk)


def org_roots(*, actor) -> list[Org]:
    """The top orgs of the actor's scope: the orgs their roles sit on, shallowest first."""
    visible = Org.objects.visible_to(actor)
    paths = sorted({p for p in getattr(actor, "scope_paths", [])}, key=len)
    roots = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    return list(visible.filter(path__in=roots).order_by("path"))


def org_children(*, actor, org: Org):
    return Org.objects.visible_to(actor).filter(parent=org).order_by("kind", "name")


def org_subtree(*, actor, org: Org):
    """Every org under `org` (itself included), in tree order.

    When the org lies inside the actor's scope its subtree does too, so the query keeps one path range
    only: SQLite bounds an index by a single range, and a second (the scope's) made a city's first page
    650 times slower (bench/tree.py).
    """
    if not any(org.path.startswith(p) for p in actor_paths(actor)):
        return Org.objects.none()
    return Org.objects.filter(subtree_q(org.path)).order_by("path")


def subtree_member_count(org: Org) -> int:
    """Active members in the subtree: the sum of the leaf counters over the org's path range."""
    return Org.objects.filter(subtree_q(org.path)).aggregate(n=Sum("member_count"))["n"] or 0


def children_with_counts(*, actor, org: Org, limit: int = 500) -> list[dict]:
    """Each visible child with its subtree's org and member counts, for the console tree.

    One query of UNION ALL branches, one per child, each over its own literal path range: the database
    answers each from the covering index (path, kind, member_count) without touching the table. (A join on
    computed ranges let PostgreSQL's planner read the whole org table instead.)
    """
    children = {c.pk: c for c in org_children(actor=actor, org=org)[:limit]}
    if not children:
        return []
    table = Org._meta.db_table
    branch = (
        f"SELECT %s, COALESCE(SUM(member_count), 0), COUNT(*), "
        f"SUM(CASE WHEN kind = 'grassroots' THEN 1 ELSE 0 END) FROM {table} WHERE path >= %s AND path < %s"
    )
    totals = {}
    ids = list(children)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            params = []
            for pk in chunk:
                params += [pk, children[pk].path, children[pk].path + PATH_END]
            cursor.execute(" UNION ALL ".join([branch] * len(chunk)), params)
            totals.update({row[0]: row[1:] for row in cursor.fetchall()})
    rows = []
    for pk, child in children.items():
        members, orgs, grassroots = totals.get(pk, (0, 1, 0))
        rows.append({"org": child, "members": int(members or 0), "orgs": int(orgs) - 1,
                     "grassroots": int(grassroots or 0), "has_children": orgs > 1})
    return rows


def org_search(*, actor, query: str, limit: int = 20):
    """Orgs whose name, code or credit code match, within scope."""
    q = query.strip()
    qs = Org.objects.visible_to(actor)
    if not q:
        return qs.none()
    return qs.filter(Q(name__contains=q) | Q(code=q) | Q(uscc=q.upper()))[:limit]


def org_ancestors(*, actor, org: Org) -> list[Org]:
    """The orgs above `org` that the actor may see, top first: the console's breadcrumbs."""
    return list(Org.objects.visible_to(actor).filter(pk__in=org.ancestor_ids()).order_by("depth"))


def org_lineage(org: Org) -> list[Org]:
    """`org` and every org above it, top first: a member's own union as the member sees it.

    Not scoped: the names of the federations above one's own union are public.
    """
    return list(Org.objects.filter(pk__in=[*org.ancestor_ids(), org.pk]).order_by("depth"))


def org_list(*, actor, parent: Org | None = None, kind: str = "", query: str = ""):
    """Visible orgs in tree order: the children of `parent`, of one kind, or matching a name or code."""
    qs = Org.objects.visible_to(actor)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if kind:
        qs = qs.filter(kind=kind)
    q = query.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code=q) | Q(uscc=q.upper()))
    return qs.order_by("path")
