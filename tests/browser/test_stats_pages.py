"""Statistics in a real browser: the dashboard (desktop and phone), the big screen and the annual report.

The charts must draw (a canvas in every chart box) from the vendored ECharts, with no request leaving the live
server, and the phone page must not scroll sideways.
"""
from datetime import date

import pytest

from tests.browser.test_console_pages import sign_in

pytestmark = pytest.mark.browser

FORMS = ["", "", "", "rider", "courier", "", "ride_hailing", "", "domestic", ""]
EDUCATION = ["20", "30", "40", "60", "70", "10", "20", "30", "", "80"]


def _months_ago(today: date, n: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return date(year, month + 1, min(today.day, 28))


@pytest.fixture
def county(town):
    """The town plus forty members who joined over the last year: a trend and breakdowns worth looking at."""
    from django.utils import timezone

    from gonghui.core import idnumber
    from gonghui.members.services import member_register
    from gonghui.orgs.models import Org

    today = timezone.localdate()
    unions = list(Org.objects.filter(parent=town.county).order_by("path"))
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
             "霞", "平"]
    for i in range(40):
        born = date(1968 + (i * 7) % 35, 1 + i % 12, 1 + (i * 3) % 27)
        member_register(
            org=unions[i % len(unions)], name=surnames[i % 20] + given[(i * 3) % 20],
            id_number=idnumber.make("510104", born, 300 + i), joined_on=_months_ago(today, i % 12),
            employment_form=FORMS[i % 10], education=EDUCATION[i % 10], migrant_worker=i % 4 == 0,
            political_status="01" if i % 5 == 0 else "13", ethnicity="03" if i % 9 == 0 else "01", actor=None)
    return town


def _charts_drawn(watched) -> None:
    watched.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.querySelector('canvas'))")


def test_dashboard_on_a_desktop_draws_every_chart_and_drills_down(desktop, county):
    sign_in(desktop, "county_cadre")
    desktop.goto("/console/stats/")
    _charts_drawn(desktop)
    assert desktop.page.get_by_role("heading", name="锦江区总工会统计").is_visible()
    from gonghui.stats.selectors import live_figures

    members = desktop.page.locator('[data-figure="members"] .value').inner_text()
    assert members == f"{live_figures(county.county)['members']}人" == "53人"  # 张伟, the town's twelve, these forty
    desktop.screenshot("stats-dashboard-desktop")

    desktop.page.locator("table.children").get_by_role("link", name="锦江区快递行业工会联合会").click()
    desktop.page.wait_for_load_state("networkidle")
    assert desktop.page.get_by_role("heading", name="锦江区快递行业工会联合会统计").is_visible()


def test_dashboard_on_a_phone_fits_the_screen(phone, county):
    sign_in(phone, "county_cadre")
    phone.goto(f"/console/stats/{county.county.pk}/")
    _charts_drawn(phone)
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    phone.screenshot("stats-dashboard-phone")


def test_big_screen_is_dark_and_large(desktop, county):
    sign_in(desktop, "county_cadre")
    desktop.page.set_viewport_size({"width": 1920, "height": 1080})
    desktop.goto(f"/console/stats/{county.county.pk}/screen/")
    _charts_drawn(desktop)
    background = desktop.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(7, 26, 54)"
    size = desktop.page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.screen-kpi .value')).fontSize)")
    assert size >= 40
    desktop.screenshot("stats-bigscreen", full_page=False)


def test_report_reads_like_the_unions_articles(desktop, county):
    sign_in(desktop, "county_cadre")
    desktop.goto(f"/console/stats/{county.county.pk}/report/")
    text = desktop.page.locator("article.report").inner_text()
    assert "全区新发展会员" in text and "其中新就业形态劳动者" in text and "入会率" in text
    with desktop.page.expect_download() as download:
        desktop.page.get_by_role("link", name="下载 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    desktop.screenshot("stats-report")


def test_data_quality_links_each_figure_to_its_masked_records(desktop, county):
    from gonghui.members.models import Member

    # Legacy rows as an old spreadsheet left them: no education, a joining date before birth.
    Member.objects.filter(name__in=["王秀英", "李强"]).update(education="")
    Member.objects.filter(name="陈静").update(joined_on=date(1960, 1, 1))
    sign_in(desktop, "county_cadre")
    desktop.goto(f"/console/stats/{county.county.pk}/quality/")
    assert "0 · 约束保证" in desktop.page.locator('[data-check="id_duplicate"]').inner_text()
    desktop.screenshot("stats-quality")

    desktop.page.locator('[data-check="joined_before_birth"] a').click()
    desktop.page.wait_for_load_state("networkidle")
    rows = desktop.page.locator("tbody tr")
    assert rows.count() == 1 and "陈静" in rows.first.inner_text()
    assert "**********" in rows.first.inner_text()  # the ID number masked
