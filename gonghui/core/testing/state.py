"""A fingerprint of every gonghui table, to prove that a refused request or service changed nothing."""
import hashlib
from functools import lru_cache

from django.apps import apps
from django.db import connection

# Columns that move on a read (a token's last use, a sign-in) and say nothing about a write.
VOLATILE_FIELDS = frozenset({"last_used_at", "last_login"})


def _models():
    for model in apps.get_models():
        if model.__module__.startswith("gonghui.") and not model._meta.proxy and model._meta.managed:
            yield model


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


@lru_cache(maxsize=None)
def _select(model, vendor: str) -> tuple[str, tuple]:
    # Compiled once per model: the permission matrix and the fault test take thousands of fingerprints, and
    # building ~40 querysets each time cost more than reading the rows.
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE_FIELDS]
    return model._base_manager.order_by("pk").values_list(*fields).query.sql_with_params()


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each gonghui model's row count and a hash of all its rows (volatile columns left out).

    Rows are compared as the database returns them (no field conversion): the same rows give the same hash.
    """
    result = {}
    with connection.cursor() as cursor:
        for model in _models():
            cursor.execute(*_select(model, connection.vendor))
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
                count += 1
            result[model._meta.label] = (count, digest.hexdigest())
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    """Labels of the models whose rows differ between two fingerprints, with their row counts."""
    return [
        f"{label} ({before.get(label, (0,))[0]} → {after.get(label, (0,))[0]} rows)"
        for label in sorted(set(before) | set(after))
        if before.get(label) != after.get(label)
    ]
