"""Console statistics routes (统计) for the permission matrix: every page and file of a union's figures is the
org's own, so a cadre gets it for their subtree and 404 elsewhere; a worker never reaches it."""
from gonghui.core.testing.matrix import Route


def _by_pk(obj) -> dict:
    return {"pk": obj.pk}


ROUTES = [
    # The cadre's highest org: a page about their own home, never another's.
    Route(name="console:stats-home", method="GET", target="none"),
    Route(name="console:stats-dashboard", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:stats-dashboard", method="GET", target="org", kwargs=_by_pk, query={"as_of": "2024-12-31"}),
    Route(name="console:stats-bigscreen", method="GET", target="org", kwargs=_by_pk),
    *[Route(name="console:stats-export", method="GET", target="org", kwargs=_by_pk, query={"table": table})
      for table in ("figures", "children", "trend")],
    Route(name="console:stats-quality", method="GET", target="org", kwargs=_by_pk),
    *[Route(name="console:stats-quality-list", method="GET", target="org", kwargs=_by_pk, query={"check": check})
      for check in ("missing_education", "phone_shared", "id_mismatch", "stale_unions")],
    Route(name="console:stats-report", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:stats-report-xlsx", method="GET", target="org", kwargs=_by_pk),
    Route(name="console:stats-report-pdf", method="GET", target="org", kwargs=_by_pk,
          query={"start": "2020-01-01", "end": "2024-12-31"}),
]
