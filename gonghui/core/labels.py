"""The display label of a coded field, from a per-language table built once.

`obj.get_gender_display()` rebuilds the field's choice map and translates a lazy string on every call; an API
answer with five coded fields paid for that five times (bench/join.py, the member look-up). Same result.
"""
from functools import lru_cache

from django.utils.translation import get_language


def display(obj, field_name: str) -> str:
    """What `obj.get_<field_name>_display()` returns, as a str ("" stays "" when "" is not a choice)."""
    value = getattr(obj, field_name)
    return _table(type(obj), field_name, get_language()).get(value, "" if value is None else str(value))


@lru_cache(maxsize=512)
def _table(model, field_name: str, language: str | None) -> dict:
    return {key: str(label) for key, label in model._meta.get_field(field_name).flatchoices}
