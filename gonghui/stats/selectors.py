"""Read side of the figures (contract: var/STATS_CONTRACT.md). No permission checks here: callers scope first.

Every figure comes from the tallies (gonghui.stats.reading): an org's own rows already hold its whole
subtree, so the province costs what a grassroots union costs — two indexed statements.
As-of dates and periods are exact to the day: the figures at the end of that day (gonghui.stats.periods).
"""
from datetime import date

from django.utils import timezone

from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Org
from gonghui.stats import live, reading
from gonghui.stats.figures import FLOW_KEYS, STOCK_KEYS, TALLY_STOCK_KEYS
from gonghui.stats.periods import add_months, age_year, is_current, month_end, month_of


def _past(day: date | None) -> date | None:
    """`day` when it is in the past; None for today or no day (the figures now: nothing is dated later)."""
    return None if is_current(day) else day


def _figures(org_ids: list[int], as_of: date | None) -> dict[int, dict[str, int]]:
    day = _past(as_of)
    vectors = reading.vectors(org_ids, as_of=day)
    years = reading.birth_years(org_ids, as_of=day)
    as_year = age_year(as_of)
    result = {}
    for org_id in org_ids:
        figures = {k: vectors[org_id][k] for k in TALLY_STOCK_KEYS}
        figures.update(reading.age_bands(years[org_id], as_year))
        result[org_id] = {k: figures[k] for k in STOCK_KEYS}
    return result


def subtree_figures(org: Org, *, as_of: date | None = None) -> dict[str, int]:
    return _figures([org.pk], as_of)[org.pk]


def period_flows(org: Org, *, start: date, end: date) -> dict[str, int]:
    """Flows dated from `start` to `end`, both days included; one statement."""
    return reading.flows_of(reading.between([org.pk], start=start, end=_past(end))[org.pk])


def monthly_trend(org: Org, *, months: int = 12, end: date | None = None) -> list[dict]:
    """Members at each month end and the month's flows, the last month up to `end` (default today): each row
    also says the day its members were counted at (`until`). Two statements for a trend ending today, three
    for one ending on a past day, whatever the number of months."""
    end = end or timezone.localdate()
    last = month_of(end)
    first = add_months(last, -(months - 1))
    if _past(end) is None:
        changes = reading.monthly(org.pk, since=first)
        members = reading.vectors([org.pk])[org.pk]["members"]
        # Members at the end of a month = now minus the changes of every later month (dated ahead, if any).
        for month, row in changes.items():
            if month > last:
                members -= row["members"]
    else:
        changes = reading.monthly(org.pk, since=first, before=last)
        changes[last] = reading.between([org.pk], start=last, end=end)[org.pk]
        members = reading.vectors([org.pk], as_of=end)[org.pk]["members"]
    trend = []
    for i in range(months):
        month = add_months(last, -i)
        row = changes.get(month, {})
        until = end if i == 0 else month_end(month)
        trend.append({"month": month, "until": until, "members": members, **{k: row.get(k, 0) for k in FLOW_KEYS}})
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
