"""API statistics routes (统计) for the permission matrix: figures of an org in scope, 404 elsewhere."""
from gonghui.core.testing.matrix import Route


def _by_org(obj) -> dict:
    return {"org_id": obj.pk}


ROUTES = [
    Route(name="api:stats_figure_list", method="GET", target="none"),
    Route(name="api:stats_figures", method="GET", target="org", kwargs=_by_org),
    Route(name="api:stats_figures", method="GET", target="org", kwargs=_by_org, query={"as_of": "2024-12-31"}),
    Route(name="api:stats_flows", method="GET", target="org", kwargs=_by_org,
          query={"start": "2020-01-01", "end": "2024-12-31"}),
    Route(name="api:stats_trend", method="GET", target="org", kwargs=_by_org),
    Route(name="api:stats_children", method="GET", target="org", kwargs=_by_org),
]
