"""Filters of the statistics pages: a figure by key, a rate as a percentage."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def percent(rate) -> str:
    """0.8532 → "85.3%" (one decimal, as the union's reports write rates)."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"
