"""Reading the tallies: one statement per question, total + unfolded rows (+ later months subtracted)."""
from collections import Counter
from datetime import date

from django.db import connection

from gonghui.stats import sql
from gonghui.stats.figures import AGE_KEYS, TALLY_KEYS, TALLY_STOCK_KEYS, age_band
from gonghui.stats.tally import AGE_TALLY, AGE_TOTAL, COLUMNS, QN, TALLY, TOTAL, unfolded

_SUMS = ", ".join(f"SUM({QN[k]})" for k in TALLY_KEYS)
_NEG = ", ".join(f"-{QN[k]}" for k in TALLY_KEYS)


def _run(statement: str, org_ids: list[int], params: list) -> list[tuple]:
    """Run a read with `org_id IN ids` written as `{ids}`, through the driver.

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
    """Each `{ids}` becomes the id array; a `%s` after the last one keeps its value (the month)."""
    ids = [int(i) for i in org_ids]
    return [ids] * statement.count("{ids}") + params


def vectors(org_ids: list[int], *, after: date | None = None) -> dict[int, dict[str, int]]:
    """Tally figures of each org: now, or at the end of the month before `after` (rows of `after`'s month and
    later subtracted). One statement, so a concurrent fold is seen entirely or not at all."""
    if not org_ids:
        return {}
    parts = [f"SELECT org_id, {COLUMNS} FROM {TOTAL} WHERE org_id IN ({{ids}})",
             f"SELECT org_id, {COLUMNS} FROM {unfolded(TALLY)} WHERE org_id IN ({{ids}}) AND NOT folded"]
    params: list = []
    if after is not None:
        parts.append(f"SELECT org_id, {_NEG} FROM {TALLY} WHERE org_id IN ({{ids}}) AND month >= %s")
        params.append(after)
    rows = _run(f"SELECT org_id, {_SUMS} FROM ({' UNION ALL '.join(parts)}) u GROUP BY org_id", org_ids, params)
    found = {row[0]: dict(zip(TALLY_KEYS, row[1:])) for row in rows}
    empty = dict.fromkeys(TALLY_KEYS, 0)
    return {org_id: {k: int(v or 0) for k, v in found.get(org_id, empty).items()} for org_id in org_ids}


def birth_years(org_ids: list[int], *, after: date | None = None) -> dict[int, Counter]:
    if not org_ids:
        return {}
    parts = ["SELECT org_id, birth_year, members FROM " + AGE_TOTAL + " WHERE org_id IN ({ids})",
             "SELECT org_id, birth_year, members FROM " + unfolded(AGE_TALLY) + " WHERE org_id IN ({ids}) AND NOT folded"]
    params: list = []
    if after is not None:
        parts.append("SELECT org_id, birth_year, -members FROM " + AGE_TALLY + " WHERE org_id IN ({ids}) "
                     "AND month >= %s")
        params.append(after)
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


def monthly(org_id: int, *, since: date) -> dict[date, dict[str, int]]:
    """Sum of each month's rows from `since` on: the change of every figure in that month."""
    rows = _run(f"SELECT month, {_SUMS} FROM {TALLY} WHERE org_id IN ({{ids}}) AND month >= %s GROUP BY month",
                [org_id], [since])
    return {sql.as_date(row[0]): dict(zip(TALLY_KEYS, (int(v or 0) for v in row[1:]))) for row in rows}


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
