"""The annual report (成绩单): sections from one registry, in the voice of the union's own articles."""
from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.orgs.models import Org
from gonghui.stats import report as registry
from gonghui.stats.exports import report_pdf, report_xlsx
from gonghui.stats.report import Line, SectionBody, annual_report, count_text, period_text, report_section, scope_word

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name,kind,word", [
    ("四川省总工会", "federation", "全省"), ("成都市总工会", "federation", "全市"), ("锦江区总工会", "federation", "全区"),
    ("泰和县总工会", "federation", "全县"), ("凉山彝族自治州总工会", "federation", "全州"),
    ("锦江区快递行业工会联合会", "industry", "本联合会"), ("锦江区某科技公司工会", "grassroots", "本会"),
])
def test_the_scope_word_follows_the_unions_own_name(name, kind, word):
    assert scope_word(Org(name=name, kind=kind)) == word


def test_numbers_read_as_in_the_articles():
    assert count_text(18_835_000) == "1883.5万人"
    assert count_text(141_400, "个") == "14.14万个"
    assert count_text(99_999) == "99999人"
    assert period_text(date(2025, 1, 1), date(2025, 12, 31)) == "2025年"
    assert period_text(date(2025, 1, 1), date(2025, 6, 30)) == "2025年1月至6月"
    assert period_text(date(2024, 7, 1), date(2025, 6, 30)) == "2024年7月1日至2025年6月30日"
    assert period_text(date(2025, 1, 1), date(2025, 6, 15)) == "2025年1月1日至2025年6月15日"  # to the day


@pytest.fixture
def later_service():
    """A later service's section (say, assistance), registered the way its own report_sections.py would."""

    @report_section("assistance_demo", "困难职工帮扶", order=70)
    def assistance(ctx):
        return SectionBody([f"{ctx.period}，{ctx.scope}累计发放帮扶资金12.5万元。"], [Line("帮扶资金", 125_000, "元")])

    yield assistance
    registry.SECTIONS.pop("assistance_demo")


def test_a_later_services_section_reaches_the_page_the_xlsx_and_the_pdf(world, later_service):
    today = timezone.localdate()  # the personas' unions were founded today
    report = annual_report(world.county, start=date(today.year, 1, 1), end=today)
    keys = [section.key for section, _body in report.parts]
    assert keys[:2] == ["orgs", "members"] and keys[-1] == "assistance_demo"
    assert f"{period_text(report.start, report.end)}，全区累计发放帮扶资金12.5万元。" in report.parts[-1][1].paragraph
    assert "全区共有各级工会组织2个，其中基层工会1个、产业（行业）工会1个。" in dict(report.parts)[
        registry.SECTIONS["orgs"]].paragraph

    rows = list(load_workbook(BytesIO(report_xlsx(report))).worksheets[0].iter_rows(values_only=True))
    assert ("困难职工帮扶", "帮扶资金", 125_000, "元") in rows
    assert report_pdf(report).startswith(b"%PDF")


def test_a_union_without_members_skips_what_it_cannot_say(world):
    report = annual_report(world.industry, start=date(2025, 1, 1), end=date(2025, 12, 31))
    keys = [section.key for section, _body in report.parts]
    assert "orgs" not in keys and "composition" not in keys and "new_forms" not in keys
    members = dict(report.parts)[registry.SECTIONS["members"]]
    assert "本联合会没有新发展会员" in members.paragraph
