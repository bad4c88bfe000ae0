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
