"""Working days for the union's promise to decide a join application within N working days.

Chinese working days are not Monday to Friday: public holidays close weekdays and make-up working days
(调休) open weekends, both set by the State Council each year. `chinesecalendar` carries those notices.
"""
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The package knows only the years whose holiday notice was published when it was released (it raises
        # for the others). For such a year we count weekdays only: a promise a few holidays too early is a
        # smaller harm than refusing to take the application; updating the package fixes it.
        return day.weekday() < 5


@lru_cache(maxsize=512)  # every application of a day asks the same few questions (one per union's promise)
def due_date(start: date, working_days: int) -> date:
    """The date `working_days` working days after `start` (the day of submission itself does not count)."""
    day, left = start, working_days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day
