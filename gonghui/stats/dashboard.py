"""What the console's statistics pages show, assembled once so the page, the big screen, the .xlsx and the API
say the same numbers: key figures, breakdowns, the monthly trend and the breakdown by child org.

Scope-free like the selectors: callers pass an org fetched through `org_get(actor=…)`. The cost is the
selectors' (tallies: one query for the figures, one for all children, one for the trend), never a query per
child.
"""
from dataclasses import dataclass
from datetime import date

from gonghui.stats import selectors
from gonghui.stats.exports import Table
from gonghui.stats.figures import LABELS
from gonghui.stats.periods import month_end
from gonghui.orgs.models import Org

BREAKDOWNS: list[tuple[str, str, str, list[str]]] = [
    # (key, title, chart kind, figure keys)
    ("gender", "性别", "pie", ["male", "female"]),
    ("age", "年龄", "bar", ["age_35_under", "age_36_45", "age_46_55", "age_56_over"]),
    ("education", "学历", "bar", ["edu_postgraduate", "edu_bachelor", "edu_college", "edu_secondary",
                                  "edu_junior_under", "edu_other"]),
    ("forms", "新就业形态", "bar", ["form_courier", "form_rider", "form_ride_hailing", "form_truck",
                                    "form_live_streamer", "form_domestic", "form_other"]),
    ("employment", "就业状况", "pie", ["emp_employed", "emp_laid_off", "emp_unemployed", "emp_retired", "emp_other"]),
    ("ethnicity", "民族", "pie", ["han", "minority"]),
]
SHORT_LABELS = {"male": "男", "female": "女", "han": "汉族", "minority": "少数民族"}
CHILD_COLUMNS = [("orgs_grassroots", "基层工会"), ("members", "会员"), ("female", "女性"),
                 ("new_forms", "新就业形态"), ("migrant", "农民工"), ("employees", "建会单位职工")]


def label(key: str) -> str:
    return SHORT_LABELS.get(key) or LABELS.get(key, key)


@dataclass
class Breakdown:
    key: str
    title: str
    chart: str
    items: list[tuple[str, int]]  # (label, value)

    @property
    def total(self) -> int:
        return sum(v for _l, v in self.items)

    def chart_data(self) -> dict:
        return {"id": self.key, "title": self.title, "kind": self.chart,
                "labels": [lab for lab, _v in self.items], "values": [v for _l, v in self.items]}


@dataclass
class ChildRow:
    org: Org
    figures: dict[str, int]
    rate: float | None


@dataclass
class Dashboard:
    org: Org
    as_of: date
    figures: dict[str, int]
    year_flows: dict[str, int]
    rate: float | None
    trend: list[dict]
    children: list[ChildRow]

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [Breakdown(key, title, chart, [(label(k), self.figures[k]) for k in keys])
                for key, title, chart, keys in BREAKDOWNS]

    @property
    def key_figures(self) -> list[tuple[str, str, int | float | None, str]]:
        """(key, label, value, unit) of the cards above the charts."""
        f, y = self.figures, self.year_flows
        return [
            ("members", "会员总数", f["members"], "人"),
            ("orgs_grassroots", "基层工会", f["orgs_grassroots"], "个"),
            ("joined", f"{self.as_of.year}年新发展会员", y["joined"], "人"),
            ("joined_new_forms", "其中新就业形态劳动者", y["joined_new_forms"], "人"),
            ("new_forms", "新就业形态会员", f["new_forms"], "人"),
            ("grassroots_new_forms", "新业态工会", f["grassroots_new_forms"], "个"),
            ("employees", "建会单位职工", f["employees"], "人"),
            ("membership_rate", "入会率", None if self.rate is None else round(self.rate * 100, 1), "%"),
        ]

    def trend_data(self) -> dict:
        return {"months": [f"{row['month']:%Y-%m}" for row in self.trend],
                "members": [row["members"] for row in self.trend],
                "joined": [row.get("joined", 0) for row in self.trend],
                "left": [row.get("left", 0) + row.get("transferred_out", 0) for row in self.trend]}

    def child_chart_data(self, limit: int = 15) -> dict:
        top = sorted(self.children, key=lambda c: -c.figures["members"])[:limit]
        return {"labels": [c.org.name for c in top], "values": [c.figures["members"] for c in top]}

    # --- the tables, for the page and the .xlsx alike ----------------------------------------------

    def figures_table(self) -> Table:
        rows = [[lab, value, unit] for _k, lab, value, unit in self.key_figures]
        for b in self.breakdowns:
            rows += [[f"{b.title}：{lab}", value, "人"] for lab, value in b.items]
        rows += [["工会组织总数（含本级）", self.figures["orgs_total"], "个"],
                 ["保留会籍会员", self.figures["members_retained"], "人"],
                 ["农民工会员", self.figures["migrant"], "人"], ["中共党员（含预备党员）", self.figures["cpc"], "人"]]
        return Table(title=f"{self.org.name}主要数据", header=["项目", "数值", "单位"], rows=rows,
                     note=f"截至{self.as_of:%Y-%m-%d}，含全部下级组织")

    def children_table(self) -> Table:
        rows = [[c.org.name, c.org.get_kind_display(), *[c.figures[k] for k, _l in CHILD_COLUMNS],
                 None if c.rate is None else round(c.rate * 100, 1)] for c in self.children]
        return Table(title=f"{self.org.name}下级组织", header=["组织", "类别", *[lab for _k, lab in CHILD_COLUMNS], "入会率（%）"],
                     rows=rows, note=f"截至{self.as_of:%Y-%m-%d}，每行含该组织全部下级")

    def trend_table(self) -> Table:
        rows = [[_month_label(r), r["members"], r.get("joined", 0), r.get("joined_new_forms", 0),
                 r.get("transferred_in", 0), r.get("transferred_out", 0), r.get("left", 0)] for r in self.trend]
        return Table(title=f"{self.org.name}近12个月会员变化", rows=rows,
                     header=["月份", "月末会员", "新发展会员", "其中新就业形态", "转入", "转出", "退会、除名及去世"],
                     note=f"截至{self.as_of:%Y-%m-%d}；最后一个月统计到该日")


def _month_label(row: dict) -> str:
    """年月; a month counted only to a day before its end (the last, as of a past day or today) says so."""
    label = f"{row['month']:%Y年%m月}"
    if row["until"] != month_end(row["month"]):
        label += f"（截至{row['until'].day}日）"
    return label


TABLES = ("figures", "children", "trend")


def dashboard(org: Org, *, as_of: date, with_children: bool = True) -> Dashboard:
    figures = selectors.subtree_figures(org, as_of=as_of)
    year_flows = selectors.period_flows(org, start=date(as_of.year, 1, 1), end=as_of)
    children = []
    if with_children:
        children = [ChildRow(child, figs, selectors.membership_rate(figs))
                    for child, figs in selectors.child_figures(org, as_of=as_of)]
    return Dashboard(org=org, as_of=as_of, figures=figures, year_flows=year_flows,
                     rate=selectors.membership_rate(figures),
                     trend=selectors.monthly_trend(org, months=12, end=as_of), children=children)
