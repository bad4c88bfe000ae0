"""Data quality of a union subtree (数据质量) and the records behind each figure, masked and paginated."""
from django.http import Http404
from django.shortcuts import render

from gonghui.console.decorators import cadre_required
from gonghui.console.navigation import page_of
from gonghui.orgs.selectors import children_with_counts, org_ancestors, org_get, subtree_member_count
from gonghui.stats.quality import (
    CHECKS_BY_KEY, DEFAULT_STALE_MONTHS, TooLarge, live_limit, quality_report, quality_rows,
)

PER_PAGE = 20
CHILD_LIMIT = 500


def _months(request) -> tuple[int, str | None]:
    raw = request.GET.get("months", "")
    if not raw:
        return DEFAULT_STALE_MONTHS, None
    if raw.isdigit() and 1 <= int(raw) <= 120:
        return int(raw), None
    return DEFAULT_STALE_MONTHS, "月数应为 1 到 120 之间的整数，已按 12 个月计算"


@cadre_required
def stats_quality(request, pk: int):
    org = org_get(actor=request.user, pk=pk)
    months, error = _months(request)
    total = subtree_member_count(org)
    report = quality_report(org, member_total=total, stale_months=months)
    context = {"org": org, "report": report, "months": months, "months_error": error, "limit": live_limit(),
               "ancestors": org_ancestors(actor=request.user, org=org),
               # Too large to count live: the children, each a link one level down, with their sizes.
               "children": children_with_counts(actor=request.user, org=org, limit=CHILD_LIMIT)
               if report.too_large else []}
    return render(request, "console/stats/quality.html", context)


@cadre_required
def stats_quality_list(request, pk: int):
    check = request.GET.get("check", "")
    if check not in CHECKS_BY_KEY:
        raise Http404
    org = org_get(actor=request.user, pk=pk)
    months, _error = _months(request)
    total = subtree_member_count(org)
    item = CHECKS_BY_KEY[check]
    try:
        rows = quality_rows(org, check, member_total=total, stale_months=months)
        page = page_of(rows, request.GET.get("page"), PER_PAGE)
        too_large = False
    except TooLarge:
        page, too_large = None, True
    params = request.GET.copy()
    params.pop("page", None)
    context = {"org": org, "check": item, "page": page, "too_large": too_large, "months": months,
               "base_query": params.urlencode(), "ancestors": org_ancestors(actor=request.user, org=org)}
    return render(request, "console/stats/quality_list.html", context)
