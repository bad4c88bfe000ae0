"""As-of dates and periods are resolved to whole months (tally rows are kept per month).

`as_of=D` means "at the end of D's month" — for D in the current month that is now, since no change may be
dated in the future. A period [start, end] means the months from start's to end's, inclusive.
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
    return as_of is None or month_of(as_of) >= month_of(timezone.localdate())


def age_year(as_of: date | None) -> int:
    """The year ages are reached in: the as-of year, or this year for current figures."""
    return (as_of or timezone.localdate()).year
