"""`gonghui stats check`: every node's stock figures against a recount from the raw rows.

Compared: every stock figure kept in the tallies and the members per birth year (hence every age band as of
any year). Flows are not compared: after a subtree moves, the tallies keep its past flows where they happened,
while a recount from today's tree cannot know where that was (docs/stats.md).
"""
from dataclasses import dataclass

from gonghui.stats import reading
from gonghui.stats.figures import TALLY_STOCK_KEYS
from gonghui.stats.rebuild import recount


@dataclass(frozen=True)
class Difference:
    org_id: int
    key: str
    stored: int
    counted: int


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
    return found
