"""Dates and periods typed by a cadre or an API caller, checked once for the console and the API alike.

The figures are kept per month (gonghui.stats.periods): an as-of date means the end of its month, a period the
whole months from its start's to its end's. The functions here return those resolved days, so every page and
answer states exactly what it counted (31 May for "2025-05-17"; today for a day of the current month).
"""
from datetime import date

from gonghui.stats.periods import month_end, month_of

from django.core.exceptions import ValidationError
from django.utils import timezone

# The register holds nothing older; an as-of date before it is a typing slip (1024 for 2024), not a question.
EARLIEST = date(1949, 10, 1)


def today() -> date:
    return timezone.localdate()


def parse_day(value, *, field: str, label: str, default: date | None = None) -> date | None:
    """`value` (a date, or text YYYY-MM-DD; blank → `default`), refused with a Chinese message naming `label`."""
    if value in (None, ""):
        return default
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError({field: [f"{label}格式应为 YYYY-MM-DD，如 2025-12-31"]}) from None
    if day > today():
        raise ValidationError({field: [f"{label}不能晚于今天（{today():%Y-%m-%d}）"]})
    if day < EARLIEST:
        raise ValidationError({field: [f"{label}不能早于 {EARLIEST:%Y-%m-%d}"]})
    return day


def month_close(day: date) -> date:
    """The last counted day of `day`'s month: its end, or today in the current month."""
    return min(month_end(day), today())


def as_of_date(value) -> date:
    return month_close(parse_day(value, field="as_of", label="统计日期", default=today()))


def period(start, end) -> tuple[date, date]:
    """A period (both days inclusive); defaults: 1 January of the end's year to today."""
    end_day = parse_day(end, field="end", label="结束日期", default=today())
    start_day = parse_day(start, field="start", label="开始日期", default=date(end_day.year, 1, 1))
    if start_day > end_day:
        raise ValidationError({"start": ["开始日期不能晚于结束日期"]})
    return month_of(start_day), month_close(end_day)


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
