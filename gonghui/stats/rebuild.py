"""Recompute the tallies from the raw rows, set-wise (GROUP BY over members, events and orgs).

Used by `gonghui stats rebuild`, after bulk loads (demo data) and, in parts, by the bulk upkeep. The history
it writes follows the live reference's semantics (stats.live): the current tree, current attributes, and
each member's union and status replayed from their membership events.

Steps: per-union contributions by day (temporary tables) → summed onto every ancestor through a closure
table (a recursive CTE over `parent`) → written as day rows, month rows summed from them, totals from those.
"""
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core.scoping import PATH_END
from gonghui.members.choices import MembershipChange as MC
from gonghui.stats import sql
from gonghui.stats.figures import TALLY_KEYS
from gonghui.stats.tally import AGE_DAY, AGE_TALLY, AGE_TOTAL, COLUMNS, DAY, QN, TALLY, TOTAL

MEMBERS, EVENTS, ORGS, ORG_EVENTS = "members_member", "members_membershipevent", "orgs_org", "orgs_orgevent"
STATE = (f"CASE WHEN e.kind IN ('{MC.JOIN.value}', '{MC.TRANSFER_IN.value}') THEN 'a' "
         f"WHEN e.kind = '{MC.RETAIN.value}' THEN 'r' ELSE 'x' END")
CURRENT_STATE = "CASE m.status WHEN 'active' THEN 'a' WHEN 'retained' THEN 'r' ELSE 'x' END"


def _run(cursor, statement: str, params=None) -> None:
    cursor.execute(statement, params or [])


def member_vectors(where: str, params: list, *, by_day: bool = True):
    """(org_id, day, vector, ages) of the members matching `where` (alias m) at their current union and
    status, by join day; the bulk upkeep's view of rows just loaded or moved."""
    day = "m.joined_on" if by_day else "NULL"
    columns = sql.member_vector_columns(CURRENT_STATE)
    keys = list(columns)
    ages: dict[tuple, Counter] = {}
    with connection.cursor() as cursor:
        _run(cursor, f"SELECT m.org_id, {day}, {sql.year('m.birth_date')}, COUNT(*) FROM {MEMBERS} m "
                     f"WHERE {where} AND m.status = 'active' GROUP BY 1, 2, 3", params)
        for org_id, mon, year, n in cursor.fetchall():
            ages.setdefault((org_id, mon), Counter())[year] += n
        _run(cursor, f"SELECT m.org_id, {day}, {', '.join(columns.values())} FROM {MEMBERS} m "
                     f"WHERE {where} GROUP BY 1, 2", params)
        rows = cursor.fetchall()
    for org_id, mon, *values in rows:
        yield (org_id, sql.as_date(mon) if mon else None, dict(zip(keys, values)),
               ages.get((org_id, mon), Counter()))


def join_flows(where: str, params: list):
    """(day, {joined, joined_new_forms}) of the members matching `where`, by join day."""
    with connection.cursor() as cursor:
        _run(cursor, f"SELECT m.joined_on, COUNT(*), "
                     f"SUM(CASE WHEN m.employment_form <> '' THEN 1 ELSE 0 END) FROM {MEMBERS} m "
                     f"WHERE {where} GROUP BY 1", params)
        for mon, joined, new_forms in cursor.fetchall():
            yield sql.as_date(mon), {"joined": joined, "joined_new_forms": new_forms}


@transaction.atomic
def rebuild(*, path: str | None = None) -> None:
    """Replace the tallies of every node (or of the nodes of one subtree) by a recount from the raw rows."""
    scope, scope_params = ("", []) if path is None else ("WHERE path >= %s AND path < %s", [path, path + PATH_END])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Joins wait while the recount runs: one committing between the DELETE below and the counting would
            # be counted twice (its own tally row survives the DELETE, its member is counted). SQLite's
            # transactions already hold the single write lock from their start (transaction_mode IMMEDIATE).
            _run(cursor, f"LOCK TABLE {TALLY}, {AGE_TALLY} IN EXCLUSIVE MODE")
        _drop(cursor)
        _run(cursor, f"CREATE TEMP TABLE stats_nodes AS SELECT id FROM {ORGS} {scope}", scope_params)
        for table in (TALLY, DAY, TOTAL, AGE_TALLY, AGE_DAY, AGE_TOTAL):
            _run(cursor, f"DELETE FROM {table} WHERE org_id IN (SELECT id FROM stats_nodes)")
        # Closure: (ancestor, org) for every org and each of its ancestors, itself included.
        _run(cursor, f"CREATE TEMP TABLE stats_closure AS WITH RECURSIVE c(ancestor_id, org_id) AS ("
                     f"SELECT id, id FROM {ORGS} UNION ALL SELECT o.parent_id, c.org_id FROM c "
                     f"JOIN {ORGS} o ON o.id = c.ancestor_id WHERE o.parent_id IS NOT NULL) "
                     f"SELECT ancestor_id, org_id FROM c WHERE ancestor_id IN (SELECT id FROM stats_nodes)")
        _contributions(cursor)
        _leaf_rows(cursor)
        # Written folded: one row per (org, day), the month rows and the totals summed from them; no fold follows.
        _roll_up(cursor, DAY, AGE_DAY)
        nodes = "org_id IN (SELECT id FROM stats_nodes)"
        sums, month = ", ".join(f"SUM({QN[k]})" for k in TALLY_KEYS), sql.month("day")
        _run(cursor, f"INSERT INTO {TALLY} (org_id, month, folded, {COLUMNS}) SELECT org_id, {month}, "
                     f"{_bool(True)}, {sums} FROM {DAY} WHERE {nodes} GROUP BY org_id, {month}")
        _run(cursor, f"INSERT INTO {AGE_TALLY} (org_id, month, folded, birth_year, members) SELECT org_id, "
                     f"{month}, {_bool(True)}, birth_year, SUM(members) FROM {AGE_DAY} WHERE {nodes} "
                     f"GROUP BY org_id, {month}, birth_year HAVING SUM(members) <> 0")
        _run(cursor, f"INSERT INTO {TOTAL} (org_id, {COLUMNS}) SELECT org_id, "
                     f"{', '.join(f'SUM({QN[k]})' for k in TALLY_KEYS)} FROM {TALLY} WHERE {nodes} GROUP BY org_id")
        _run(cursor, f"INSERT INTO {AGE_TOTAL} (org_id, birth_year, members) SELECT org_id, birth_year, "
                     f"SUM(members) FROM {AGE_TALLY} WHERE {nodes} GROUP BY org_id, birth_year "
                     f"HAVING SUM(members) <> 0")
        _drop(cursor)


def recount() -> tuple[dict[int, dict[str, int]], dict[int, Counter]]:
    """What a rebuild would write, summed per org, without writing it: the auditor's side of `stats check`."""
    with connection.cursor() as cursor:
        _drop(cursor)
        for name, table in (("stats_check", DAY), ("stats_check_age", AGE_DAY)):
            _run(cursor, f"DROP TABLE IF EXISTS {name}")
            _run(cursor, f"CREATE TEMP TABLE {name} AS SELECT * FROM {table} WHERE 1 = 0")
        _run(cursor, f"CREATE TEMP TABLE stats_closure AS WITH RECURSIVE c(ancestor_id, org_id) AS ("
                     f"SELECT id, id FROM {ORGS} UNION ALL SELECT o.parent_id, c.org_id FROM c "
                     f"JOIN {ORGS} o ON o.id = c.ancestor_id WHERE o.parent_id IS NOT NULL) "
                     f"SELECT ancestor_id, org_id FROM c")
        _contributions(cursor)
        _leaf_rows(cursor)
        _roll_up(cursor, "stats_check", "stats_check_age", by_day=False)
        _run(cursor, f"SELECT org_id, {', '.join(f'SUM({QN[k]})' for k in TALLY_KEYS)} FROM stats_check GROUP BY org_id")
        vectors = {row[0]: dict(zip(TALLY_KEYS, (int(v or 0) for v in row[1:]))) for row in cursor.fetchall()}
        _run(cursor, "SELECT org_id, birth_year, SUM(members) FROM stats_check_age GROUP BY org_id, birth_year")
        years: dict[int, Counter] = {}
        for org_id, year, n in cursor.fetchall():
            if n:
                years.setdefault(org_id, Counter())[year] += int(n)
        _drop(cursor)
        _run(cursor, "DROP TABLE stats_check")
        _run(cursor, "DROP TABLE stats_check_age")
    return vectors, years


def _contributions(cursor) -> None:
    """stats_contrib(member_id, org_id, day, sign, st): every step of every membership, as +new state at
    the event's union and −previous state at the previous event's union; members without history from their
    join; and where a member's row disagrees with their last event (a merge moved them), the difference today."""
    now = timezone.localdate().isoformat()
    _run(cursor, f"CREATE TEMP TABLE stats_steps AS SELECT e.member_id, e.org_id, e.kind, e.{_q('on')} AS day, "
                 f"{STATE} AS st, LAG(e.org_id) OVER w AS prev_org, LAG({STATE}) OVER w AS prev_st, "
                 f"LAG(e.kind) OVER w AS prev_kind, LEAD(e.id) OVER w AS next_id FROM {EVENTS} e "
                 f"WINDOW w AS (PARTITION BY e.member_id ORDER BY e.{_q('on')}, e.id)")
    _run(cursor, f"CREATE TEMP TABLE stats_contrib AS "
                 f"SELECT s.member_id, s.org_id, s.day AS day, 1 AS sign, s.st FROM stats_steps s "
                 f"UNION ALL SELECT s.member_id, s.prev_org, s.day, -1, s.prev_st FROM stats_steps s "
                 f"WHERE s.prev_org IS NOT NULL "
                 f"UNION ALL SELECT m.id, m.org_id, m.joined_on, 1, {CURRENT_STATE} FROM {MEMBERS} m "
                 f"WHERE NOT EXISTS (SELECT 1 FROM {EVENTS} e WHERE e.member_id = m.id) "
                 f"UNION ALL SELECT m.id, m.org_id, %s, 1, {CURRENT_STATE} FROM {MEMBERS} m "
                 f"JOIN stats_steps s ON s.member_id = m.id AND s.next_id IS NULL "
                 f"WHERE s.org_id <> m.org_id OR s.st <> {CURRENT_STATE} "
                 f"UNION ALL SELECT m.id, s.org_id, %s, -1, s.st FROM {MEMBERS} m "
                 f"JOIN stats_steps s ON s.member_id = m.id AND s.next_id IS NULL "
                 f"WHERE s.org_id <> m.org_id OR s.st <> {CURRENT_STATE}", [now, now])


def _leaf_rows(cursor) -> None:
    """stats_leaf(org_id, day, every tally column) and stats_leaf_age(org_id, day, birth_year, members)."""
    member_cols = sql.member_vector_columns("c.st", "c.sign")
    found = (f"COALESCE(o.founded_on, (SELECT MIN(v.{_q('on')}) FROM {ORG_EVENTS} v "
             f"WHERE v.org_id = o.id AND v.kind = 'found'))")
    org_plus = sql.org_vector_columns("o", "1")
    org_plus["grassroots_founded"] = "CASE WHEN o.kind = 'grassroots' THEN 1 ELSE 0 END"
    org_minus = sql.org_vector_columns("o", "-1")
    joins = {"joined": f"SUM(CASE WHEN s.kind = '{MC.JOIN.value}' THEN 1 ELSE 0 END)",
             "joined_new_forms": f"SUM(CASE WHEN s.kind = '{MC.JOIN.value}' AND m.employment_form <> '' "
                                 f"THEN 1 ELSE 0 END)",
             "left": f"SUM(CASE WHEN s.kind IN ('{MC.WITHDRAW.value}', '{MC.STRIKE_OFF.value}') THEN 1 ELSE 0 END)",
             "retained": f"SUM(CASE WHEN s.kind = '{MC.RETAIN.value}' THEN 1 ELSE 0 END)"}
    parts = [
        (f"SELECT c.org_id AS org_id, c.day AS day, {_named(sql.full_row(member_cols))} FROM stats_contrib c "
         f"JOIN {MEMBERS} m ON m.id = c.member_id GROUP BY c.org_id, c.day"),
        (f"SELECT s.org_id, s.day, {', '.join(sql.full_row(joins))} FROM stats_steps s "
         f"JOIN {MEMBERS} m ON m.id = s.member_id GROUP BY s.org_id, s.day"),
        (f"SELECT o.id, {found}, {', '.join(sql.full_row(org_plus))} FROM {ORGS} o "
         f"WHERE o.status = 'active' OR o.closed_on IS NOT NULL"),
        (f"SELECT o.id, o.closed_on, {', '.join(sql.full_row(org_minus))} FROM {ORGS} o "
         f"WHERE o.status <> 'active' AND o.closed_on IS NOT NULL"),
    ]
    _run(cursor, f"CREATE TEMP TABLE stats_leaf AS SELECT * FROM ({' UNION ALL '.join(parts)}) AS u")
    _run(cursor, f"CREATE TEMP TABLE stats_leaf_age AS SELECT c.org_id, c.day, {sql.year('m.birth_date')} "
                 f"AS birth_year, SUM(c.sign) AS members FROM stats_contrib c JOIN {MEMBERS} m ON m.id = c.member_id "
                 f"WHERE c.st = 'a' GROUP BY c.org_id, c.day, {sql.year('m.birth_date')}")
    # Transfers: a TRANSFER_IN right after a TRANSFER_OUT of the same member is one move, from → to.
    _run(cursor, f"CREATE TEMP TABLE stats_moves AS SELECT s.prev_org AS from_org, s.org_id AS to_org, "
                 f"s.day AS day, COUNT(*) AS n FROM stats_steps s "
                 f"WHERE s.kind = '{MC.TRANSFER_IN.value}' AND s.prev_kind = '{MC.TRANSFER_OUT.value}' "
                 f"GROUP BY s.prev_org, s.org_id, s.day")


def _roll_up(cursor, tally: str, age_tally: str, *, by_day: bool = True) -> None:
    """Per-union rows summed onto every ancestor (closure), with the transfers counted only where the two
    unions' paths part: one row per (org, day) in `tally` (org_id, day, every column) and per (org, day,
    birth year) in `age_tally`; with `by_day` False one per org (day NULL), all a check compares."""
    day = "l.day" if by_day else "CAST(NULL AS date)"
    by = ", l.day" if by_day else ""
    ancestors = (f"SELECT c.ancestor_id AS org_id, {day} AS day, "
                 f"{', '.join(f'l.{QN[k]} AS {QN[k]}' for k in TALLY_KEYS)} "
                 f"FROM stats_leaf l JOIN stats_closure c ON c.org_id = l.org_id WHERE l.day IS NOT NULL")
    parts = [ancestors]
    for column, here, there in (("transferred_in", "to_org", "from_org"), ("transferred_out", "from_org", "to_org")):
        row = sql.full_row({column: "t.n"})
        parts.append(f"SELECT c.ancestor_id, {day.replace('l.', 't.')}, {', '.join(row)} FROM stats_moves t "
                     f"JOIN stats_closure c ON c.org_id = t.{here} WHERE NOT EXISTS (SELECT 1 FROM stats_closure k "
                     f"WHERE k.org_id = t.{there} AND k.ancestor_id = c.ancestor_id)")
    _run(cursor, f"INSERT INTO {tally} (org_id, day, {COLUMNS}) SELECT org_id, day, "
                 f"{', '.join(f'SUM({QN[k]})' for k in TALLY_KEYS)} FROM ({' UNION ALL '.join(parts)}) AS u "
                 f"GROUP BY org_id, day")
    _run(cursor, f"INSERT INTO {age_tally} (org_id, day, birth_year, members) SELECT c.ancestor_id, "
                 f"{day}, l.birth_year, SUM(l.members) FROM stats_leaf_age l "
                 f"JOIN stats_closure c ON c.org_id = l.org_id GROUP BY c.ancestor_id{by}, l.birth_year "
                 f"HAVING SUM(l.members) <> 0")


def _named(expressions: list[str]) -> str:
    return ", ".join(f"{e} AS {QN[k]}" for e, k in zip(expressions, TALLY_KEYS, strict=True))


def _drop(cursor) -> None:
    for table in ("stats_nodes", "stats_closure", "stats_steps", "stats_contrib", "stats_leaf", "stats_leaf_age",
                  "stats_moves"):
        _run(cursor, f"DROP TABLE IF EXISTS {table}")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _bool(value: bool) -> str:
    if connection.vendor == "postgresql":
        return "true" if value else "false"
    return "1" if value else "0"
