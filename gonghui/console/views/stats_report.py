"""The annual report (成绩单) of a union subtree for a period: the page, its .xlsx and its PDF."""
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from gonghui.console.decorators import cadre_required
from gonghui.console.views.stats import xlsx_response
from gonghui.orgs.selectors import org_ancestors, org_get
from gonghui.stats import params
from gonghui.stats.exports import report_pdf, report_xlsx
from gonghui.stats.report import annual_report


def _period(request):
    try:
        return *params.period(request.GET.get("start"), request.GET.get("end")), None
    except ValidationError as exc:
        start, end = params.period(None, None)
        return start, end, exc.messages[0]


@cadre_required
def stats_report(request, pk: int):
    org = org_get(actor=request.user, pk=pk)
    start, end, error = _period(request)
    report = annual_report(org, start=start, end=end)
    query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    context = {"org": org, "report": report, "start": start, "end": end, "period_error": error, "query": query,
               "today": params.today(), "ancestors": org_ancestors(actor=request.user, org=org)}
    return render(request, "console/stats/report.html", context)


def _file(request, pk: int, kind: str):
    org = org_get(actor=request.user, pk=pk)
    start, end, error = _period(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = annual_report(org, start=start, end=end)
    if kind == "xlsx":
        return xlsx_response(report_xlsx(report), f"{report.title}.xlsx")
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=\"report.pdf\"; filename*=UTF-8''{quote(report.title)}.pdf"
    return response


@cadre_required
def stats_report_xlsx(request, pk: int):
    return _file(request, pk, "xlsx")


@cadre_required
def stats_report_pdf(request, pk: int):
    return _file(request, pk, "pdf")
