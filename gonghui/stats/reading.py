"""Reading the tallies: one statement per question, total + unfolded rows (− what is dated after the day asked).

"Dated in (lo, hi]" is read from three kinds of rows, each by an index range of its own org: folded month rows
of the whole months in between (`stats_tally`, (org, month)), folded day rows of the partial months at either
end (`stats_day_tally`, (org, day): at most two months of them), and the unfolded rows (partial index on org),
which carry their day. So a figure as of any day costs a month row per later month and at most 31 day rows,
whatever the number of members below the org.
"""
import re
from collections import Counter
from datetime import date, timedelta

from django.db import connection

from gonghui.stats import sql
from gonghui.stats.figures import AGE_KEYS, FLOW_KEYS, TALLY_KEYS, TALLY_STOCK_KEYS, age_band
from gonghui.stats.periods import add_months, month_of
from gonghui.stats.tally import AGE_DAY, AGE_TALLY, AGE_TOTAL, COLUMNS, DAY, QN, TALLY, TOTAL, unfolded

_SUMS = ", ".join(f"SUM({QN[k]})" for k in TALLY_KEYS)
_NEG = ", ".join(f"-{QN[k]}" for k in TALLY_KEYS)
_TOKENS = re.compile(r"\{ids\}|%s")


def _run(statement: str, org_ids: list[int], params: list) -> list[tuple]:
    """Run a read with `org_id IN ids` written as `IN ({ids})`, through the driver.

    PostgreSQL: one array parameter and a server-side prepared statement, so the same text serves every org and
    the plan of a fifty-column UNION is made once per connection (planning cost more than executing it).
    SQLite: the ids inline and ? marks."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        cursor = psycopg.Cursor(connection.connection)
        try:
            cursor.execute(statement.replace("IN ({ids})", "= ANY(%s)").replace("{ids}", "%s"),
                           _pg_params(statement, org_ids, params), prepare=True)
            return cursor.fetchall()
        finally:
            cursor.close()
    ids = ", ".join(str(int(i)) for i in org_ids)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute(statement.replace("{ids}", ids).replace("%s", "?"),
                       [p.isoformat() if isinstance(p, date) else p for p in params])
        return cursor.fetchall()


def _pg_params(statement: str, org_ids: list[int], params: list) -> list:
    """The parameters in the order their marks appear: each `{ids}` the id array, each `%s` the next value."""
    ids, values = [int(i) for i in org_ids], iter(params)
    return [ids if token == "{ids}" else next(values) for token in _TOKENS.findall(statement)]


def _dated(table: str, day_table: str, columns: str, lo: date, hi: date | None) -> tuple[list[str], list]:
    """SELECTs of `org_id, columns` over the rows dated in (lo, hi] (hi None: no end), and their parameters.

    Month rows cover the whole months after lo's and before hi's; day rows the rest of lo's month and the
    start of hi's; unfolded rows are matched on their day. Unfolded rows are in no folded row yet, and the
    fold moves a row into both its month row and its day row in one transaction, so nothing counts twice."""
    after_lo = add_months(month_of(lo), 1)
    parts, params = [], []
    if hi is not None and hi < after_lo:  # one month: its day rows only
        parts.append(f"SELECT org_id, {columns} FROM {day_table} WHERE org_id IN ({{ids}}) AND day > %s "
                     f"AND day <= %s")
        params += [lo, hi]
    else:
        parts.append(f"SELECT org_id, {columns} FROM {day_table} WHERE org_id IN ({{ids}}) AND day > %s "
                     f"AND day < %s")
        params += [lo, after_lo]
        months = f"SELECT org_id, {columns} FROM {table} WHERE org_id IN ({{ids}}) AND folded AND month >= %s"
        if hi is None:
            parts.append(months)
            params.append(after_lo)
        else:
            parts.append(months + " AND month < %s")
            parts.append(f"SELECT org_id, {columns} FROM {day_table} WHERE org_id IN ({{ids}}) AND day >= %s "
                         f"AND day <= %s")
            params += [after_lo, month_of(hi), month_of(hi), hi]
    unfolded_rows = (f"SELECT org_id, {columns} FROM {unfolded(table)} WHERE org_id IN ({{ids}}) AND NOT folded "
                     f"AND day > %s")
    params.append(lo)
    if hi is not None:
        unfolded_rows += " AND day <= %s"
        params.append(hi)
    parts.append(unfolded_rows)
    return parts, params


def vectors(org_ids: list[int], *, as_of: date | None = None) -> dict[int, dict[str, int]]:
    """Tally figures of each org: now, or at the end of the day `as_of` (what is dated after it subtracted).
    One statement, so a concurrent fold is seen entirely or not at all."""
    if not org_ids:
        return {}
    parts = [f"SELECT org_id, {COLUMNS} FROM {TOTAL} WHERE org_id IN ({{ids}})",
             f"SELECT org_id, {COLUMNS} FROM {unfolded(TALLY)} WHERE org_id IN ({{ids}}) AND NOT folded"]
    params: list = []
    if as_of is not None:
        later, params = _dated(TALLY, DAY, _NEG, as_of, None)
        parts += later
    return _vectors(f"SELECT org_id, {_SUMS} FROM ({' UNION ALL '.join(parts)}) u GROUP BY org_id", org_ids, params)


def between(org_ids: list[int], *, start: date, end: date | None) -> dict[int, dict[str, int]]:
    """The change of every tally column over the days start..end, both included (end None: up to now)."""
    parts, params = _dated(TALLY, DAY, COLUMNS, start - timedelta(days=1), end)
    return _vectors(f"SELECT org_id, {_SUMS} FROM ({' UNION ALL '.join(parts)}) u GROUP BY org_id", org_ids, params)


def _vectors(statement: str, org_ids: list[int], params: list) -> dict[int, dict[str, int]]:
    found = {row[0]: dict(zip(TALLY_KEYS, row[1:])) for row in _run(statement, org_ids, params)}
    empty = dict.fromkeys(TALLY_KEYS, 0)
    return {org_id: {k: int(v or 0) for k, v in found.get(org_id, empty).items()} for org_id in org_ids}


def birth_years(org_ids: list[int], *, as_of: date | None = None) -> dict[int, Counter]:
    if not org_ids:
        return {}
    parts = ["SELECT org_id, birth_year, members FROM " + AGE_TOTAL + " WHERE org_id IN ({ids})",
             "SELECT org_id, birth_year, members FROM " + unfolded(AGE_TALLY) + " WHERE org_id IN ({ids}) AND NOT folded"]
    params: list = []
    if as_of is not None:
        later, params = _dated(AGE_TALLY, AGE_DAY, "birth_year, -members", as_of, None)
        parts += later
    result = {org_id: Counter() for org_id in org_ids}
    rows = _run(f"SELECT org_id, birth_year, SUM(members) FROM ({' UNION ALL '.join(parts)}) u "
                f"GROUP BY org_id, birth_year", org_ids, params)
    for org_id, year, n in rows:
        if n:
            result[org_id][year] += int(n)
    return result


def age_bands(years: Counter, as_year: int) -> dict[str, int]:
    bands = dict.fromkeys(AGE_KEYS, 0)
    for born, n in years.items():
        bands[age_band(as_year - born)] += n
    return bands


def current_vectors(org_id: int) -> tuple[dict[str, int], Counter]:
    """Stock figures (tally columns) and active members per birth year of one org now (for moving it)."""
    vector = vectors([org_id])[org_id]
    return {k: vector[k] for k in TALLY_STOCK_KEYS}, birth_years([org_id])[org_id]


def monthly(org_id: int, *, since: date, before: date | None = None) -> dict[date, dict[str, int]]:
    """Sum of each month's rows (folded and unfolded) from month `since` on, and before month `before` if
    given: the change of every figure in each of those months."""
    statement = f"SELECT month, {_SUMS} FROM {TALLY} WHERE org_id IN ({{ids}}) AND month >= %s"
    params = [since]
    if before is not None:
        statement += " AND month < %s"
        params.append(before)
    rows = _run(statement + " GROUP BY month", [org_id], params)
    return {sql.as_date(row[0]): dict(zip(TALLY_KEYS, (int(v or 0) for v in row[1:]))) for row in rows}


def flows_of(vector: dict[str, int]) -> dict[str, int]:
    return {key: vector[key] for key in FLOW_KEYS}


def all_current() -> tuple[dict[int, dict[str, int]], dict[int, Counter]]:
    """Current tally figures and birth years of every org that has any (the auditor's full read)."""
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute(f"SELECT org_id, {_SUMS} FROM (SELECT org_id, {COLUMNS} FROM {TOTAL} UNION ALL "
                       f"SELECT org_id, {COLUMNS} FROM {TALLY} WHERE NOT folded) u GROUP BY org_id")
        vectors = {row[0]: dict(zip(TALLY_KEYS, (int(v or 0) for v in row[1:]))) for row in cursor.fetchall()}
        cursor.execute(f"SELECT org_id, birth_year, SUM(members) FROM (SELECT org_id, birth_year, members FROM "
                       f"{AGE_TOTAL} UNION ALL SELECT org_id, birth_year, members FROM {AGE_TALLY} WHERE NOT folded) u "
                       f"GROUP BY org_id, birth_year")
        years: dict[int, Counter] = {}
        for org_id, year, n in cursor.fetchall():
            if n:
                years.setdefault(org_id, Counter())[year] += int(n)
    return vectors, years
