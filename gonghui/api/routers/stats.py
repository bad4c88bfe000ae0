"""/api/v1/stats: the figures of a union subtree, the same the console's dashboard and report show.

Scoped like everything else: the org is fetched through `org_get(actor=…)`, so an org outside the caller's
subtree answers 404, exactly like a missing one. Dates are YYYY-MM-DD and exact to the day (YYYY-MM stands for
a whole month); a bad or future date answers 422 with a Chinese message naming the parameter.
"""
from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gonghui.api.schemas import ErrorOut, InvalidOut
from gonghui.orgs.selectors import org_get
from gonghui.stats import params, selectors
from gonghui.stats.figures import FIGURES

router = Router(tags=["统计"])

_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
_FIGURES_DOC = "指标键见 `GET /stats/figures`（如 members 会员总数、joined 新发展会员）；每个数都含该组织的全部下级组织。"


class StatsOrg(Schema):
    id: int
    name: str
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class FigureOut(Schema):
    key: str
    label: str
    group: str
    unit: str


class FiguresOut(Schema):
    org: StatsOrg
    as_of: date
    figures: dict[str, int] = Field(description="存量指标（截至统计日期）：" + _FIGURES_DOC)
    membership_rate: float | None = Field(description="入会率 = 会员总数 ÷ 建会单位职工人数；职工人数为 0 时为 null")


class FlowsOut(Schema):
    org: StatsOrg
    start: date
    end: date
    flows: dict[str, int] = Field(description="期间流量指标（起止日期均含）：" + _FIGURES_DOC)


class TrendMonth(Schema):
    month: date = Field(description="月份（该月1日）")
    until: date = Field(description="会员总数统计到的日期：该月月末；最后一个月为结束日期")
    members: int = Field(description="截至 until 的会员总数")
    flows: dict[str, int] = Field(description="该月1日至 until 的流量指标")


class TrendOut(Schema):
    org: StatsOrg
    months: list[TrendMonth]


class ChildOut(Schema):
    org: StatsOrg
    figures: dict[str, int]
    membership_rate: float | None


class ChildrenOut(Schema):
    org: StatsOrg
    as_of: date
    items: list[ChildOut]


class AsOfQuery(Schema):
    as_of: str = Field("", description="统计日期 YYYY-MM-DD（统计到该日日终），默认今天；不能晚于今天。"
                                       "填 YYYY-MM 表示该月月末")


class PeriodQuery(Schema):
    start: str = Field("", description="开始日期 YYYY-MM-DD（含该日），默认结束日期所在年的1月1日；填 YYYY-MM 表示该月1日")
    end: str = Field("", description="结束日期 YYYY-MM-DD（含该日），默认今天；不能晚于今天；填 YYYY-MM 表示该月月末")


class TrendQuery(Schema):
    months: str = Field("12", description="月数，1 到 60，默认 12")
    end: str = Field("", description="结束日期 YYYY-MM-DD，默认今天：最后一个月统计到该日，之前各月统计到月末")


@router.get("/stats/figures", response=list[FigureOut], url_name="stats_figure_list", summary="统计指标目录")
def stats_figure_list(request: HttpRequest):
    """全部指标的键、中文名称、分组和单位。"""
    return [{"key": f.key, "label": f.label, "group": f.group, "unit": f.unit} for f in FIGURES]


@router.get("/stats/orgs/{int:org_id}/figures", response={200: FiguresOut, **_ERRORS}, url_name="stats_figures",
            summary="某工会组织截至某日的统计数")
def stats_figures(request: HttpRequest, org_id: int, query: Query[AsOfQuery]):
    """截至统计日期当天日终的全部存量指标，精确到日。"""
    org = org_get(actor=request.auth, pk=org_id)
    as_of = params.as_of_date(query.as_of)
    figures = selectors.subtree_figures(org, as_of=as_of)
    return {"org": org, "as_of": as_of, "figures": figures, "membership_rate": selectors.membership_rate(figures)}


@router.get("/stats/orgs/{int:org_id}/flows", response={200: FlowsOut, **_ERRORS}, url_name="stats_flows",
            summary="某工会组织一段期间的会员变动")
def stats_flows(request: HttpRequest, org_id: int, query: Query[PeriodQuery]):
    org = org_get(actor=request.auth, pk=org_id)
    start, end = params.period(query.start, query.end)
    return {"org": org, "start": start, "end": end, "flows": selectors.period_flows(org, start=start, end=end)}


@router.get("/stats/orgs/{int:org_id}/trend", response={200: TrendOut, **_ERRORS}, url_name="stats_trend",
            summary="某工会组织的逐月趋势")
def stats_trend(request: HttpRequest, org_id: int, query: Query[TrendQuery]):
    org = org_get(actor=request.auth, pk=org_id)
    months = params.months_param(query.months)
    end = params.parse_day(query.end, field="end", label="结束日期", default=params.today())
    rows = selectors.monthly_trend(org, months=months, end=end)
    return {"org": org, "months": [
        {"month": r["month"], "until": r["until"], "members": r["members"],
         "flows": {k: v for k, v in r.items() if k not in ("month", "until", "members")}} for r in rows]}


@router.get("/stats/orgs/{int:org_id}/children", response={200: ChildrenOut, **_ERRORS}, url_name="stats_children",
            summary="某工会组织的下级组织分列统计")
def stats_children(request: HttpRequest, org_id: int, query: Query[AsOfQuery]):
    """每个正常状态的直接下级组织一行，数字含该下级的全部下级。"""
    org = org_get(actor=request.auth, pk=org_id)
    as_of = params.as_of_date(query.as_of)
    items = [{"org": child, "figures": figures, "membership_rate": selectors.membership_rate(figures)}
             for child, figures in selectors.child_figures(org, as_of=as_of)]
    return {"org": org, "as_of": as_of, "items": items}
