"""`gonghui stats check`: every node's stock figures against a recount from the raw rows, and every month row
against the day rows it was folded with.

Compared: every stock figure kept in the tallies and the members per birth year (hence every age band as of
any year). Flows are not compared with a recount: after a subtree moves, the tallies keep its past flows where
they happened, while a recount from today's tree cannot know where that was (docs/stats.md). But the fold and
the rebuild write each change into a month row and a day row together, so for every org and month the day rows
must add up to the month row, flows included: a figure as of a day reads both.
"""
from dataclasses import dataclass
from datetime import date

from django.db import connection

from gonghui.stats import reading, sql
from gonghui.stats.figures import TALLY_KEYS, TALLY_STOCK_KEYS
from gonghui.stats.rebuild import recount
from gonghui.stats.tally import AGE_DAY, AGE_TALLY, DAY, QN, TALLY


@dataclass(frozen=True)
class Difference:
    org_id: int
    key: str
    stored: int
    counted: int
    month: date | None = None  # set for a month row that its day rows do not add up to (`counted`)


def differences() -> list[Difference]:
    stored, stored_years = reading.all_current()
    counted, counted_years = recount()
    found = []
    for org_id in sorted(set(stored) | set(counted)):
        mine, theirs = stored.get(org_id, {}), counted.get(org_id, {})
        for key in TALLY_STOCK_KEYS:
            if mine.get(key, 0) != theirs.get(key, 0):
                found.append(Difference(org_id, key, mine.get(key, 0), theirs.get(key, 0)))
        years_mine, years_theirs = stored_years.get(org_id, {}), counted_years.get(org_id, {})
        for year in sorted(set(years_mine) | set(years_theirs)):
            if years_mine.get(year, 0) != years_theirs.get(year, 0):
                found.append(Difference(org_id, f"born_{year}", years_mine.get(year, 0), years_theirs.get(year, 0)))
    return found + month_day_differences()


def month_day_differences() -> list[Difference]:
    """Folded month rows whose day rows add up to something else: one GROUP BY over both tables per kind."""
    month = sql.month("day")
    sums = ", ".join(f"SUM(CASE WHEN src = 'm' THEN {QN[k]} ELSE 0 END), SUM(CASE WHEN src = 'd' THEN {QN[k]} "
                     f"ELSE 0 END)" for k in TALLY_KEYS)
    differ = " OR ".join(f"SUM(CASE WHEN src = 'm' THEN {QN[k]} ELSE -{QN[k]} END) <> 0" for k in TALLY_KEYS)
    columns = ", ".join(QN[k] for k in TALLY_KEYS)
    found = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT org_id, m, {sums} FROM (SELECT 'm' AS src, org_id, month AS m, {columns} FROM {TALLY} "
                       f"WHERE folded UNION ALL SELECT 'd', org_id, {month}, {columns} FROM {DAY}) u "
                       f"GROUP BY org_id, m HAVING {differ}", [])  # [] : the driver reads %% as %
        for org_id, mon, *values in cursor.fetchall():
            for i, key in enumerate(TALLY_KEYS):
                if values[2 * i] != values[2 * i + 1]:
                    found.append(Difference(org_id, key, values[2 * i], values[2 * i + 1], sql.as_date(mon)))
        cursor.execute(f"SELECT org_id, m, birth_year, SUM(CASE WHEN src = 'm' THEN members ELSE 0 END), "
                       f"SUM(CASE WHEN src = 'd' THEN members ELSE 0 END) FROM (SELECT 'm' AS src, org_id, "
                       f"month AS m, birth_year, members FROM {AGE_TALLY} WHERE folded UNION ALL SELECT 'd', "
                       f"org_id, {month}, birth_year, members FROM {AGE_DAY}) u GROUP BY org_id, m, birth_year "
                       f"HAVING SUM(CASE WHEN src = 'm' THEN members ELSE -members END) <> 0", [])
        for org_id, mon, year, stored, counted in cursor.fetchall():
            found.append(Difference(org_id, f"born_{year}", stored, counted, sql.as_date(mon)))
    return sorted(found, key=lambda d: (d.org_id, d.month, d.key))
