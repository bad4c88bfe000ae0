"""The promise to decide within N working days counts Chinese working days: holidays off, make-up days on."""
from datetime import date

from gonghui.joining import workdays
from gonghui.joining.workdays import due_date


def test_the_day_of_submission_does_not_count_and_weekends_are_skipped():
    assert due_date(date(2024, 5, 13), 3) == date(2024, 5, 16)  # Monday → Thursday
    assert due_date(date(2024, 5, 16), 3) == date(2024, 5, 21)  # Thursday → Friday, Monday, Tuesday
    assert due_date(date(2024, 5, 18), 1) == date(2024, 5, 20)  # submitted on a Saturday


def test_a_one_day_holiday_on_a_monday_is_skipped():
    # 10 June 2024 was the Dragon Boat Festival (端午节).
    assert due_date(date(2024, 6, 6), 3) == date(2024, 6, 12)


def test_golden_week_is_skipped_and_its_make_up_saturday_counts():
    # 2024 National Day: 1–7 October off; Sunday 29 September and Saturday 12 October are working days.
    assert due_date(date(2024, 9, 30), 3) == date(2024, 10, 10)
    assert due_date(date(2024, 10, 10), 2) == date(2024, 10, 12)
    assert due_date(date(2024, 9, 28), 1) == date(2024, 9, 29)


def test_zero_days_is_the_same_day():
    assert due_date(date(2024, 10, 3), 0) == date(2024, 10, 3)


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays(monkeypatch):
    def unknown(day):
        raise NotImplementedError("no data for this year")

    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", unknown)
    assert due_date(date(2099, 1, 2), 3) == date(2099, 1, 7)  # Friday → Monday, Tuesday, Wednesday
