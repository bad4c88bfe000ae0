"""ORM queries compiled to SQL once per process, then run with new parameters: for the API's hottest reads.

Django compiles a queryset to SQL on every evaluation. On the look-ups every API request makes (the caller's
token and roles, one member in scope) that compiling was most of the request's CPU (bench/join.py, profiled:
`as_sql`, `pre_sql_setup`, `get_select` ≈ 1 ms a query against a 0.1 ms round trip). A `PreparedQuery` keeps
the ORM as the one author of the SQL — the same `visible_to` scoping, the same column names — and only skips
re-compiling it:

    MEMBER = PreparedQuery(lambda p: Member.objects.filter(pk=p.pk).values_list("name", "org__path"))
    MEMBER.rows(pk=42)            # [("张伟", "/1/7/")]

The builder receives a `Placeholders` object: every attribute read on it (`p.pk`, `p.path`) is a sentinel that
the SQL's parameter list is later searched for, and replaced by the real value at each run. A string sentinel
may come back with a suffix appended (the scope's `prefix + "~"` upper bound) and is substituted with the
same suffix. Anything else the builder puts in the query is a constant of the compiled form. A builder whose
SQL shape depends on its input (how many scope ranges) passes that as `shape`, part of the cache key.

Only for read queries returning rows (`values_list`); the result is a list of tuples in the listed order.
"""
from collections.abc import Callable
from threading import Lock

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model

_INT_BASE = -7_300_000_000_000  # sentinel ints: far outside any id, count or year the queries compare with
_STR_MARK = "\x00gonghui-param:"


class Placeholders:
    """Hands out one sentinel per parameter name; remembers which is which."""

    def __init__(self, strings: tuple[str, ...]) -> None:
        self._strings = strings
        self.issued: dict[object, str] = {}

    def _is_string(self, name: str) -> bool:
        return any(name == s or (s.endswith("*") and name.startswith(s[:-1])) for s in self._strings)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        index = len(self.issued)
        value = f"{_STR_MARK}{index}\x00" if self._is_string(name) else _INT_BASE - index
        self.issued[value] = name
        return value


class PreparedQuery:
    def __init__(self, build: Callable[..., object], *, strings: tuple[str, ...] = ()) -> None:
        """`build(placeholders, *shape)` returns a values_list queryset; `strings` names the text parameters
        (`"path*"`: every name that starts with "path"); the others are integers."""
        self._build = build
        self._strings = strings
        self._compiled: dict[tuple, tuple[str, list] | None] = {}
        self._lock = Lock()

    def rows(self, *, using: str = "default", shape: tuple = (), **params) -> list[tuple]:
        connection = connections[using]
        key = (using, connection.vendor, shape)
        compiled = self._compiled.get(key, False)
        if compiled is False:
            with self._lock:
                compiled = self._compiled[key] = self._compile(using, shape)
        if compiled is None:  # the ORM proved the result empty (e.g. a scope of no ranges)
            return []
        sql, template, compiler, converters = compiled
        args = [params[name] + suffix if kind == "param" and suffix else params[name] if kind == "param" else value
                for kind, name, suffix, value in template]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        if converters:  # the backend's from-database conversions (SQLite's dates arrive as text)
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def _compile(self, using: str, shape: tuple):
        placeholders = Placeholders(self._strings)
        queryset = self._build(placeholders, *shape)
        compiler = queryset.using(using).query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        converters = compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
        template = []
        for value in params:
            name, suffix = _match(value, placeholders.issued)
            template.append(("param", name, suffix, None) if name else ("const", None, "", value))
        return sql, template, compiler, converters


def _match(value, issued: dict[object, str]) -> tuple[str | None, str]:
    if isinstance(value, int) and not isinstance(value, bool) and value in issued:
        return issued[value], ""
    if isinstance(value, str) and value.startswith(_STR_MARK):
        end = value.index("\x00", len(_STR_MARK)) + 1
        return issued[value[:end]], value[end:]
    if isinstance(value, str) and _STR_MARK in value:
        # e.g. `name__contains=p.q` wraps the value in "%…%": only a suffix can be substituted safely.
        raise ValueError(f"a prepared parameter may only be followed by a suffix, not embedded: {value!r}")
    return None, ""


def model_fields(model, names) -> tuple[str, ...]:
    """`names` (attnames) in the model's concrete-field order, the order `Model.from_db` expects values in."""
    wanted = set(names)
    ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)
    if len(ordered) != len(wanted):
        raise ValueError(f"not concrete fields of {model.__name__}: {sorted(wanted - set(ordered))}")
    return ordered


# --- writes -----------------------------------------------------------------------------------------------

_INSERTS: dict[tuple, tuple[str, list]] = {}


def insert(obj, *, using: str = "default", skip_conflict: bool = False):
    """`obj.save(force_insert=True)` with the INSERT built once per model: the same columns, the same
    conversions (`pre_save` then `get_db_prep_save`, as Django's compiler does), the id read back. No model
    signals are sent: for append-only rows on hot paths (audit events, consents, join applications) that have
    no receivers. A constraint violation raises django.db.IntegrityError as save() would — or, with
    `skip_conflict`, a row refused by a unique constraint or index is not inserted (`ON CONFLICT DO NOTHING`,
    PostgreSQL and SQLite alike) and None is returned: no savepoint is needed to go on after it."""
    model = _plain(obj)
    connection = connections[using]
    key = (model, using, connection.vendor, skip_conflict)
    if key not in _INSERTS:
        _INSERTS[key] = _insert_sql(model, connection, skip_conflict)
    sql, fields = _INSERTS[key]
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if connection.features.can_return_columns_from_insert:
            row = cursor.fetchone()
            if row is None:  # skipped by ON CONFLICT DO NOTHING
                return None
            obj.pk = row[0]
        else:
            if skip_conflict and cursor.rowcount == 0:
                return None
            obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj._state.adding = False
    obj._state.db = using
    return obj


def _insert_sql(model, connection, skip_conflict: bool) -> tuple[str, list]:
    meta, q = model._meta, connection.ops.quote_name
    fields = [f for f in meta.local_concrete_fields if not (f.primary_key and f.db_returning) and not f.generated]
    sql = (f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if skip_conflict:
        sql += " ON CONFLICT DO NOTHING"
    if connection.features.can_return_columns_from_insert:
        returning, _ = connection.ops.return_insert_columns([meta.pk])
        sql = f"{sql} {returning}"
    return sql, fields


_UPDATES: dict[tuple, tuple[str, list]] = {}


def update_fields(obj, *names: str, using: str = "default") -> None:
    """`obj.save(update_fields=names)` with the UPDATE built once per model and field list; no signals."""
    model = _plain(obj)
    connection = connections[using]
    key = (model, names, using, connection.vendor)
    if key not in _UPDATES:
        meta, q = model._meta, connection.ops.quote_name
        fields = [meta.get_field(name) for name in names]
        sets = ", ".join(f"{q(f.column)} = %s" for f in fields)
        _UPDATES[key] = (f"UPDATE {q(meta.db_table)} SET {sets} WHERE {q(meta.pk.column)} = %s", fields)
    sql, fields = _UPDATES[key]
    values = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj._meta.pk.get_db_prep_value(obj.pk, connection)])


def _plain(obj):
    """The model of `obj`, refused when its save() does more than save: then save() must write it."""
    model = type(obj)
    if model.save is not Model.save:
        raise TypeError(f"{model.__name__} overrides save(); use it")
    return model
