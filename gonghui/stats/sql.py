"""SQL fragments both backends understand, built from the one category definition (categories.py)."""
from datetime import date

from django.db import connection

from gonghui.stats.categories import MEMBER_CATEGORIES, NEW_FORMS_KINDS
from gonghui.stats.figures import TALLY_KEYS


def month(expr: str) -> str:
    """First day of the month of a date column."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {expr}) AS date)"
    return f"strftime('%%Y-%%m-01', {expr})"


def year(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {expr}) AS integer)"
    return f"CAST(strftime('%%Y', {expr}) AS integer)"


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "'" + str(value).replace("'", "''") + "'"


def category_predicate(key: str, alias: str = "m") -> str:
    field, allowed, negate = MEMBER_CATEGORIES[key]
    values = ", ".join(_literal(v) for v in sorted(allowed, key=str))
    return f"{alias}.{field} {'NOT IN' if negate else 'IN'} ({values})"


def member_vector_columns(state: str, sign: str = "1", alias: str = "m") -> dict[str, str]:
    """SUM expressions of the member stock figures, for rows whose membership state column is `state`
    ('a' active, 'r' retained, anything else counts nowhere) weighted by `sign`."""
    columns = {"members": f"SUM(CASE WHEN {state} = 'a' THEN {sign} ELSE 0 END)",
               "members_retained": f"SUM(CASE WHEN {state} = 'r' THEN {sign} ELSE 0 END)"}
    for key in MEMBER_CATEGORIES:
        columns[key] = f"SUM(CASE WHEN {state} = 'a' AND {category_predicate(key, alias)} THEN {sign} ELSE 0 END)"
    return columns


def org_vector_columns(alias: str = "o", sign: str = "1") -> dict[str, str]:
    """org_vector() in SQL, for an org while it is alive (founding to closing)."""
    kinds = ", ".join(_literal(k) for k in sorted(NEW_FORMS_KINDS))
    columns = {"orgs_total": sign}
    for kind in ("federation", "township", "industry", "regional", "grassroots", "branch"):
        columns[f"orgs_{kind}"] = f"CASE WHEN {alias}.kind = '{kind}' THEN {sign} ELSE 0 END"
    columns["grassroots_new_forms"] = f"CASE WHEN {alias}.new_forms AND {alias}.kind IN ({kinds}) THEN {sign} ELSE 0 END"
    columns["employees"] = (f"CASE WHEN {alias}.kind = 'grassroots' THEN {sign} * COALESCE({alias}.employee_count, 0) "
                            f"ELSE 0 END")
    return columns


def full_row(columns: dict[str, str]) -> list[str]:
    """Every tally column in order, 0 where `columns` has none."""
    return [columns.get(key, "0") for key in TALLY_KEYS]
