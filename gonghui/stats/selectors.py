"""Read side of the figures (contract: var/STATS_CONTRACT.md). No permission checks here: callers scope first.

Every figure comes from the tallies (gonghui.stats.reading): an org's own rows already hold its whole
subtree, so the province costs what a grassroots union costs — two indexed statements.
As-of dates and periods are whole months (gonghui.stats.periods).
"""
from datetime import date

from django.utils import timezone

from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Org
from gonghui.stats import live, reading
from gonghui.stats.figures import FLOW_KEYS, STOCK_KEYS, TALLY_STOCK_KEYS
from gonghui.stats.periods import add_months, age_year, is_current, month_end, month_of


def _after(as_of: date | None) -> date | None:
    """First month whose rows are not yet counted at `as_of` (None: now)."""
    return None if is_current(as_of) else add_months(month_of(as_of), 1)


def _figures(org_ids: list[int], as_of: date | None) -> dict[int, dict[str, int]]:
    after = _after(as_of)
    vectors = reading.vectors(org_ids, after=after)
    years = reading.birth_years(org_ids, after=after)
    as_year = age_year(month_end(as_of) if as_of else None)
    result = {}
    for org_id in org_ids:
        figures = {k: vectors[org_id][k] for k in TALLY_STOCK_KEYS}
        figures.update(reading.age_bands(years[org_id], as_year))
        result[org_id] = {k: figures[k] for k in STOCK_KEYS}
    return result


def subtree_figures(org: Org, *, as_of: date | None = None) -> dict[str, int]:
    return _figures([org.pk], as_of)[org.pk]


def period_flows(org: Org, *, start: date, end: date) -> dict[str, int]:
    first, last = month_of(start), month_of(end)
    months = reading.monthly(org.pk, since=first)
    flows = dict.fromkeys(FLOW_KEYS, 0)
    for month, row in months.items():
        if month <= last:
            for key in FLOW_KEYS:
                flows[key] += row[key]
    return flows


def monthly_trend(org: Org, *, months: int = 12, end: date | None = None) -> list[dict]:
    """Members at each month end and the month's flows; two statements whatever the number of months."""
    last = month_of(end or timezone.localdate())
    first = add_months(last, -(months - 1))
    changes = reading.monthly(org.pk, since=first)
    members = reading.vectors([org.pk])[org.pk]["members"]
    # Members at the end of a month = now minus the changes of every later month.
    for month, row in changes.items():
        if month > last:
            members -= row["members"]
    trend = []
    for i in range(months):
        month = add_months(last, -i)
        row = changes.get(month, {})
        trend.append({"month": month, "members": members, **{k: row.get(k, 0) for k in FLOW_KEYS}})
        members -= row.get("members", 0)
    trend.reverse()
    return trend


def child_figures(org: Org, *, as_of: date | None = None) -> list[tuple[Org, dict[str, int]]]:
    children = list(Org.objects.filter(parent=org, status=OrgStatus.ACTIVE).order_by("path"))
    figures = _figures([c.pk for c in children], as_of)
    return [(child, figures[child.pk]) for child in children]


def membership_rate(figures: dict) -> float | None:
    employees = figures.get("employees") or 0
    return figures.get("members", 0) / employees if employees else None


def live_figures(org: Org, *, as_of: date | None = None) -> dict[str, int]:
    return live.live_figures(org, as_of=as_of)
