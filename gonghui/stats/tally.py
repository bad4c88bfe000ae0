"""Writing tally rows and folding them (see models.py for the design, docs/stats.md for the reasons)."""
from collections import Counter, defaultdict
from datetime import date

from django.db import connection, transaction

from gonghui.stats.figures import TALLY_KEYS
from gonghui.stats.models import AgeDayTally, AgeTally, AgeTotal, DayTally, Tally, Total

TALLY, TOTAL, DAY = Tally._meta.db_table, Total._meta.db_table, DayTally._meta.db_table
AGE_TALLY, AGE_TOTAL, AGE_DAY = AgeTally._meta.db_table, AgeTotal._meta.db_table, AgeDayTally._meta.db_table
# Quoted: "left" is a reserved word in SQL.
QN = {key: f'"{key}"' for key in TALLY_KEYS}
COLUMNS = ", ".join(QN[k] for k in TALLY_KEYS)


def path_ids(path: str) -> list[int]:
    """The org and every ancestor, root first: the nodes whose figures a change of this org touches."""
    return [int(part) for part in path.strip("/").split("/") if part]


# Bound parameters per INSERT: PostgreSQL's protocol allows 65,535. Only a bulk load (a roster chunk whose
# members joined on thousands of different days) comes near; a join writes one statement of a few rows.
MAX_PARAMS = 30_000


class Deltas:
    """Signed changes collected per (org, day) and written as one INSERT per table (unfolded rows carry both
    the day and its month: the month rows and the day rows are made from them by the fold)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, date], Counter] = defaultdict(Counter)
        self.ages: Counter = Counter()

    def add(self, org_ids, day: date, vector: dict, sign: int = 1) -> None:
        if not vector:
            return
        for org_id in org_ids:
            row = self.rows[(org_id, day)]
            for key, value in vector.items():
                row[key] += sign * value

    def add_age(self, org_ids, day: date, birth_year: int, n: int) -> None:
        if n:
            for org_id in org_ids:
                self.ages[(org_id, day, birth_year)] += n

    def write(self) -> None:
        rows = {key: {k: v for k, v in vector.items() if v} for key, vector in self.rows.items()}
        rows = {key: vector for key, vector in rows.items() if vector}
        ages = [(org_id, day, year, n) for (org_id, day, year), n in self.ages.items() if n]
        self.rows.clear()
        self.ages.clear()
        age_statements, statements = [], []
        for part in _batches(ages, 5):
            age_statements.append((f"INSERT INTO {AGE_TALLY} (org_id, month, day, birth_year, members) VALUES "
                                   + ", ".join(["(%s, %s, %s, %s, %s)"] * len(part)),
                                   [v for org_id, day, year, n in part
                                    for v in (org_id, _iso_month(day), day.isoformat(), year, n)]))
        if rows:
            keys = sorted({k for vector in rows.values() for k in vector}, key=TALLY_KEYS.index)
            marks = "(" + ", ".join(["%s"] * (len(keys) + 3)) + ")"
            for part in _batches(list(rows.items()), len(keys) + 3):
                params = []
                for (org_id, day), vector in part:
                    params += [org_id, _iso_month(day), day.isoformat(), *(vector.get(k, 0) for k in keys)]
                # Columns left out take their database default, 0: a join names a dozen of the fifty.
                statements.append((f"INSERT INTO {TALLY} (org_id, month, day, {', '.join(QN[k] for k in keys)}) "
                                   "VALUES " + ", ".join([marks] * len(part)), params))
        if not statements and not age_statements:
            return
        # The driver's cursor: this runs inside every join, and Django's wrapper costs more than the insert.
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            if connection.vendor == "postgresql":
                if len(age_statements) == 1 and len(statements) == 1:  # one round trip for both tables
                    (age_sql, age_params), (sql, params) = age_statements[0], statements[0]
                    age_statements, statements = [], [(f"WITH age AS ({age_sql}) {sql}", age_params + params)]
                for sql, params in age_statements + statements:
                    cursor.execute(sql, params)
            else:
                for sql, params in age_statements + statements:
                    cursor.execute(sql.replace("%s", "?"), params)


def _iso_month(day: date) -> str:
    return day.replace(day=1).isoformat()


def _batches(items: list, width: int) -> list[list]:
    size = max(1, MAX_PARAMS // width)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _sum_list(prefix: str = "") -> str:
    return ", ".join(f"SUM({prefix}{QN[k]})" for k in TALLY_KEYS)


def _sum_named() -> str:
    return ", ".join(f"SUM({QN[k]}) AS {QN[k]}" for k in TALLY_KEYS)


def _add_list(table: str) -> str:
    return ", ".join(f"{QN[k]} = {table}.{QN[k]} + EXCLUDED.{QN[k]}" for k in TALLY_KEYS)


# SQLite picks the (org, month) index for "NOT folded" when it also groups by org and month, and then reads
# the whole table; the partial index holds only the rows a fold or a read of unfolded rows wants.
def unfolded(table: str) -> str:
    if connection.vendor == "sqlite":
        return f"{table} INDEXED BY {'stats_tally_unfolded' if table == TALLY else 'stats_age_unfolded'}"
    return table


@transaction.atomic
def fold() -> None:
    """Merge every unfolded row into the folded row of its (org, month), the day row of its (org, day) and the
    org's total.

    One transaction: a reader's single statement (total + unfolded rows, less what is dated after its day) sees
    the figures either before or after, and the sums are the same. Rows a join inserts while the fold runs stay
    unfolded for the next fold: PostgreSQL deletes exactly the rows it aggregated (DELETE … RETURNING), so no
    id watermark is needed, and SQLite holds its single write lock for the whole transaction.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COALESCE: a row from before the day column (migration 0003) counts on its month's first day.
            cursor.execute(
                f"WITH gone AS (DELETE FROM {TALLY} WHERE NOT folded RETURNING org_id, month, "
                f"COALESCE(day, month) AS day, {COLUMNS}), "
                f"agg AS (SELECT org_id, month, day, {_sum_named()} FROM gone GROUP BY org_id, month, day), "
                f"days AS (INSERT INTO {DAY} (org_id, day, {COLUMNS}) SELECT org_id, day, {COLUMNS} FROM agg "
                f"ON CONFLICT (org_id, day) DO UPDATE SET {_add_list(DAY)}), "
                f"ins AS (INSERT INTO {TALLY} (org_id, month, folded, {COLUMNS}) "
                f"SELECT org_id, month, true, {_sum_list()} FROM agg GROUP BY org_id, month "
                f"ON CONFLICT (org_id, month) WHERE folded DO UPDATE SET {_add_list(TALLY)}) "
                f"INSERT INTO {TOTAL} (org_id, {COLUMNS}) SELECT org_id, {_sum_list()} FROM agg GROUP BY org_id "
                f"ON CONFLICT (org_id) DO UPDATE SET {_add_list(TOTAL)}")
            cursor.execute(
                f"WITH gone AS (DELETE FROM {AGE_TALLY} WHERE NOT folded RETURNING org_id, month, "
                f"COALESCE(day, month) AS day, birth_year, members), "
                f"agg AS (SELECT org_id, month, day, birth_year, SUM(members) AS members FROM gone "
                f"GROUP BY org_id, month, day, birth_year), "
                f"days AS (INSERT INTO {AGE_DAY} (org_id, day, birth_year, members) "
                f"SELECT org_id, day, birth_year, members FROM agg ON CONFLICT (org_id, day, birth_year) "
                f"DO UPDATE SET members = {AGE_DAY}.members + EXCLUDED.members), "
                f"ins AS (INSERT INTO {AGE_TALLY} (org_id, month, folded, birth_year, members) "
                f"SELECT org_id, month, true, birth_year, SUM(members) FROM agg GROUP BY org_id, month, birth_year "
                f"ON CONFLICT (org_id, month, birth_year) WHERE folded "
                f"DO UPDATE SET members = {AGE_TALLY}.members + EXCLUDED.members) "
                f"INSERT INTO {AGE_TOTAL} (org_id, birth_year, members) SELECT org_id, birth_year, SUM(members) "
                f"FROM agg GROUP BY org_id, birth_year "
                f"ON CONFLICT (org_id, birth_year) DO UPDATE SET members = {AGE_TOTAL}.members + EXCLUDED.members")
            return
        tally, ages = unfolded(TALLY), unfolded(AGE_TALLY)
        cursor.execute(
            f"INSERT INTO {TALLY} (org_id, month, folded, {COLUMNS}) SELECT org_id, month, 1, {_sum_list()} "
            f"FROM {tally} WHERE NOT folded GROUP BY org_id, month "
            f"ON CONFLICT (org_id, month) WHERE folded DO UPDATE SET {_add_list(TALLY)}")
        cursor.execute(
            f"INSERT INTO {DAY} (org_id, day, {COLUMNS}) SELECT org_id, COALESCE(day, month), {_sum_list()} "
            f"FROM {tally} WHERE NOT folded GROUP BY org_id, COALESCE(day, month) "
            f"ON CONFLICT (org_id, day) DO UPDATE SET {_add_list(DAY)}")
        cursor.execute(
            f"INSERT INTO {TOTAL} (org_id, {COLUMNS}) SELECT org_id, {_sum_list()} FROM {tally} "
            f"WHERE NOT folded GROUP BY org_id ON CONFLICT (org_id) DO UPDATE SET {_add_list(TOTAL)}")
        cursor.execute(f"DELETE FROM {tally} WHERE NOT folded")
        cursor.execute(
            f"INSERT INTO {AGE_TALLY} (org_id, month, folded, birth_year, members) "
            f"SELECT org_id, month, 1, birth_year, SUM(members) FROM {ages} WHERE NOT folded "
            f"GROUP BY org_id, month, birth_year ON CONFLICT (org_id, month, birth_year) WHERE folded "
            f"DO UPDATE SET members = {AGE_TALLY}.members + EXCLUDED.members")
        cursor.execute(
            f"INSERT INTO {AGE_DAY} (org_id, day, birth_year, members) "
            f"SELECT org_id, COALESCE(day, month), birth_year, SUM(members) FROM {ages} WHERE NOT folded "
            f"GROUP BY org_id, COALESCE(day, month), birth_year ON CONFLICT (org_id, day, birth_year) "
            f"DO UPDATE SET members = {AGE_DAY}.members + EXCLUDED.members")
        cursor.execute(
            f"INSERT INTO {AGE_TOTAL} (org_id, birth_year, members) SELECT org_id, birth_year, SUM(members) "
            f"FROM {ages} WHERE NOT folded GROUP BY org_id, birth_year ON CONFLICT (org_id, birth_year) "
            f"DO UPDATE SET members = {AGE_TOTAL}.members + EXCLUDED.members")
        cursor.execute(f"DELETE FROM {ages} WHERE NOT folded")
