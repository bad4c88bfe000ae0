"""Dates of the figures: exact to the day.

`as_of=D` means "at the end of day D" (every change dated D counted); D today means now, since no change may be
dated in the future. A period [start, end] means the days from start to end, both included. The month helpers
serve the monthly trend and the month rows the tallies keep beside their day rows.
"""
import calendar
from datetime import date

from django.utils import timezone


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def is_current(as_of: date | None) -> bool:
    return as_of is None or as_of >= timezone.localdate()


def age_year(as_of: date | None) -> int:
    """The year ages are reached in: the as-of year, or this year for current figures."""
    return (as_of or timezone.localdate()).year
