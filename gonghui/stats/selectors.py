"""Read side of the figures (contract: var/STATS_CONTRACT.md). No permission checks here: callers scope first.

FIRST VERSION: computed live from the raw rows (gonghui.stats.live) — correct but slow at province scale.
The tally-backed version replaces the bodies, same signatures.
"""
from datetime import date

from django.utils import timezone

from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Org
from gonghui.stats import live
from gonghui.stats.periods import add_months, month_end, month_of


def subtree_figures(org: Org, *, as_of: date | None = None) -> dict[str, int]:
    return live.live_figures(org, as_of=as_of)


def period_flows(org: Org, *, start: date, end: date) -> dict[str, int]:
    return live.live_flows(org, start=start, end=end)


def monthly_trend(org: Org, *, months: int = 12, end: date | None = None) -> list[dict]:
    last = month_of(end or timezone.localdate())
    rows = []
    for i in range(months - 1, -1, -1):
        month = add_months(last, -i)
        row = {"month": month, "members": live.live_figures(org, as_of=month)["members"]}
        row.update(live.live_flows(org, start=month, end=month_end(month)))
        rows.append(row)
    return rows


def child_figures(org: Org, *, as_of: date | None = None) -> list[tuple[Org, dict[str, int]]]:
    children = Org.objects.filter(parent=org, status=OrgStatus.ACTIVE).order_by("path")
    return [(child, live.live_figures(child, as_of=as_of)) for child in children]


def membership_rate(figures: dict) -> float | None:
    employees = figures.get("employees") or 0
    return figures.get("members", 0) / employees if employees else None


def live_figures(org: Org, *, as_of: date | None = None) -> dict[str, int]:
    return live.live_figures(org, as_of=as_of)
