"""Statistics in the console (统计): the dashboard of a union subtree, its big screen and its tables as .xlsx.

Thin: the org comes through `org_get(actor=…)` (out of scope → 404), the figures from gonghui.stats.dashboard.
"""
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from gonghui.console.decorators import cadre_required
from gonghui.orgs.selectors import org_ancestors, org_get, org_roots
from gonghui.stats import params
from gonghui.stats.dashboard import CHILD_COLUMNS, TABLES, dashboard
from gonghui.stats.exports import XLSX_TYPE, tables_xlsx

BIG_SCREEN_REFRESH_SECONDS = 300


def stats_org(request, pk: int | None = None):
    """The org a statistics page is about: `pk`, else `?org=`, else the cadre's highest org; 404 outside scope."""
    if pk is None:
        org_id = request.GET.get("org", "")
        if org_id:
            if not org_id.isdigit():
                raise Http404
            pk = int(org_id)
    if pk is not None:
        return org_get(actor=request.user, pk=pk)
    roots = sorted(org_roots(actor=request.user), key=lambda o: (o.depth, o.path))
    if not roots:
        raise Http404
    return roots[0]


def _as_of(request) -> tuple:
    try:
        return params.as_of_date(request.GET.get("as_of")), None
    except ValidationError as exc:
        return params.today(), exc.messages[0]


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    # RFC 6266: an ASCII fallback plus the UTF-8 name, so a Chinese file name survives every browser.
    response["Content-Disposition"] = f"attachment; filename=\"stats.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


@cadre_required
def stats_dashboard(request, pk: int | None = None):
    org = stats_org(request, pk)
    as_of, error = _as_of(request)
    board = dashboard(org, as_of=as_of)
    context = {
        "org": org, "board": board, "as_of": as_of, "date_error": error, "today": params.today(),
        "ancestors": org_ancestors(actor=request.user, org=org), "child_columns": CHILD_COLUMNS,
        "charts": {"trend": board.trend_data(), "breakdowns": [b.chart_data() for b in board.breakdowns],
                   "children": board.child_chart_data()},
        "as_of_query": "" if as_of == params.today() else f"?as_of={as_of:%Y-%m-%d}",
    }
    return render(request, "console/stats/dashboard.html", context)


@cadre_required
def stats_bigscreen(request, pk: int):
    org = org_get(actor=request.user, pk=pk)
    as_of = params.today()
    board = dashboard(org, as_of=as_of)
    context = {
        "org": org, "board": board, "as_of": as_of, "refresh": BIG_SCREEN_REFRESH_SECONDS,
        "refresh_minutes": BIG_SCREEN_REFRESH_SECONDS // 60,
        "charts": {"trend": board.trend_data(), "breakdowns": [b.chart_data() for b in board.breakdowns],
                   "children": board.child_chart_data(limit=10)},
    }
    return render(request, "console/stats/bigscreen.html", context)


@cadre_required
def stats_export(request, pk: int):
    table = request.GET.get("table", "")
    if table not in TABLES:
        raise Http404
    org = org_get(actor=request.user, pk=pk)
    as_of, error = _as_of(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    board = dashboard(org, as_of=as_of, with_children=table == "children")
    sheet = {"figures": board.figures_table, "children": board.children_table, "trend": board.trend_table}[table]()
    return xlsx_response(tables_xlsx([sheet]), f"{sheet.title}（{as_of:%Y-%m-%d}）.xlsx")
