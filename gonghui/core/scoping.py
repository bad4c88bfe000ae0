"""The one scoping mechanism: what part of the union tree an actor may see.

An org's `path` is its materialized path ("/1/23/456/"); the subtree of an org is every path that starts
with the org's own path. A prefix is turned into a half-open range [prefix, prefix + "~") so that the same
btree index serves SQLite and PostgreSQL (on PostgreSQL the column uses the "C" collation, where the
range order is byte order; "~" sorts after every character a path may hold).
"""
from django.db.models import Q

PATH_END = "~"


def subtree_q(prefix: str, field: str = "path") -> Q:
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + PATH_END})


def paths_q(prefixes: list[str], field: str = "path") -> Q:
    """Rows under any of `prefixes`; nothing when the list is empty (the stranger's scope)."""
    q = Q(pk__in=[])
    for prefix in collapse(prefixes):
        q |= subtree_q(prefix, field)
    return q


def collapse(prefixes: list[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one, so a query has no overlapping ranges."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return sorted(kept)


def actor_paths(actor) -> list[str]:
    """Path prefixes the actor's cadre roles cover; [] for anonymous users and plain workers."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    return list(getattr(actor, "scope_paths", []))
