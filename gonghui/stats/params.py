"""Dates and periods typed by a cadre or an API caller, checked once for the console and the API alike.

The figures are exact to the day (gonghui.stats.periods): an as-of date means the end of that day, a period
the days from its start to its end. A month (YYYY-MM) is accepted too and means its last day as an as-of date
or an end (today for the current month), its first day as a start. The functions return the days resolved,
so every page and answer states exactly what it counted.
"""
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.stats.periods import month_end

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")

# The register holds nothing older; an as-of date before it is a typing slip (1024 for 2024), not a question.
EARLIEST = date(1949, 10, 1)


def today() -> date:
    return timezone.localdate()


def parse_day(value, *, field: str, label: str, default: date | None = None, month_end_day: bool = True
              ) -> date | None:
    """`value` (a date, or text YYYY-MM-DD or YYYY-MM; blank → `default`), refused with a Chinese message
    naming `label`. A month stands for its last day (`month_end_day`, capped at today) or its first."""
    if value in (None, ""):
        return default
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            month = _MONTH.fullmatch(text)
            if month:
                day = date(int(month[1]), int(month[2]), 1)
                if month_end_day:
                    day = min(month_end(day), max(today(), day))
            else:
                day = date.fromisoformat(text)
        except ValueError:
            raise ValidationError({field: [f"{label}格式应为 YYYY-MM-DD，如 2025-12-31（也可填 YYYY-MM 表示整月）"]}) from None
    if day > today():
        raise ValidationError({field: [f"{label}不能晚于今天（{today():%Y-%m-%d}）"]})
    if day < EARLIEST:
        raise ValidationError({field: [f"{label}不能早于 {EARLIEST:%Y-%m-%d}"]})
    return day


def as_of_date(value) -> date:
    return parse_day(value, field="as_of", label="统计日期", default=today())


def period(start, end) -> tuple[date, date]:
    """A period (both days inclusive); defaults: 1 January of the end's year to today."""
    end_day = parse_day(end, field="end", label="结束日期", default=today())
    start_day = parse_day(start, field="start", label="开始日期", default=date(end_day.year, 1, 1),
                          month_end_day=False)
    if start_day > end_day:
        raise ValidationError({"start": ["开始日期不能晚于结束日期"]})
    return start_day, end_day


def months_param(value, default: int = 12) -> int:
    if value in (None, ""):
        return default
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"months": ["月数应为 1 到 60 之间的整数"]}) from None
    if not 1 <= months <= 60:
        raise ValidationError({"months": ["月数应为 1 到 60 之间的整数"]})
    return months
