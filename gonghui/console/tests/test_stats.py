"""Statistics in the console: the numbers on the pages and in the files are the register's, and a cadre gets
no number of a union outside their subtree."""
import re
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core import idnumber
from gonghui.members.models import Member
from gonghui.members.services import member_register
from gonghui.stats.dashboard import CHILD_COLUMNS
from gonghui.stats.figures import LABELS
from gonghui.stats.selectors import live_figures, membership_rate

pytestmark = pytest.mark.django_db

PEOPLE = [  # (union key, name, born, serial (odd: male), form, education, joined)
    ("grassroots", "王秀英", date(1996, 3, 4), 102, "", "20", date(2024, 3, 1)),
    ("grassroots", "李强", date(1971, 8, 9), 103, "", "", date(2015, 5, 1)),
    ("industry", "陈静", date(1999, 1, 2), 104, "rider", "40", date(2025, 2, 1)),
    ("industry", "杨磊", date(1988, 6, 6), 105, "courier", "70", date(2025, 4, 1)),
    ("sibling_grassroots", "周婷", date(1980, 2, 2), 106, "", "30", date(2019, 1, 1)),
]


@pytest.fixture
def demo(world):
    for key, name, born, serial, form, education, joined in PEOPLE:
        member_register(org=world.orgs[key], name=name, id_number=idnumber.make("510104", born, serial),
                        joined_on=joined, employment_form=form, education=education, actor=None)
    return world


def quality_url(org, check: str) -> str:
    return reverse("console:stats-quality-list", args=[org.pk]) + f"?check={check}"


def export_url(org, table: str) -> str:
    return reverse("console:stats-export", args=[org.pk]) + f"?table={table}"


def numbers(html: str, attr: str) -> dict[str, str]:
    pattern = rf'data-{attr}="([a-z_0-9]+)"><div class="label">[^<]*</div>\s*<div class="value">([^<]*)<'
    return dict(re.findall(pattern, html))


def test_dashboard_key_figures_equal_the_live_count(client, demo):
    client.force_login(demo.county_cadre)
    response = client.get(reverse("console:stats-dashboard", args=[demo.county.pk]))
    html = response.content.decode()
    live = live_figures(demo.county)

    shown = numbers(html, "figure")
    assert shown["members"] == str(live["members"]) == "5"
    assert shown["orgs_grassroots"] == str(live["orgs_grassroots"])
    assert shown["new_forms"] == str(live["new_forms"]) == "2"
    rate = membership_rate(live)
    assert shown["membership_rate"] == f"{round(rate * 100, 1)}"
    for key in ("form_rider", "form_courier", "edu_bachelor", "edu_other"):
        row = re.search(rf'<th scope="row">{LABELS[key]}</th><td class="num" data-figure-row="[a-z]+">(\d+)<', html)
        assert row and int(row.group(1)) == live[key], key
    female_row = re.search(r'<th scope="row">女</th><td class="num" data-figure-row="gender">(\d+)<', html)
    assert female_row and int(female_row.group(1)) == live["female"]


def test_the_default_org_is_the_cadres_highest_and_any_org_in_scope_may_be_asked(client, demo):
    client.force_login(demo.county_cadre)
    assert "锦江区总工会统计" in client.get(reverse("console:stats-home")).content.decode()
    html = client.get(reverse("console:stats-home"), {"org": demo.grassroots.pk}).content.decode()
    assert "锦江区某科技公司工会统计" in html
    assert client.get(reverse("console:stats-home"), {"org": demo.sibling_county.pk}).status_code == 404
    assert client.get(reverse("console:stats-home"), {"org": "x"}).status_code == 404


def test_the_child_table_drills_down_and_equals_each_childs_live_figures(client, demo):
    client.force_login(demo.city_cadre)
    html = client.get(reverse("console:stats-dashboard", args=[demo.city.pk])).content.decode()
    for child in (demo.county, demo.sibling_county):
        live = live_figures(child)
        link = reverse("console:stats-dashboard", args=[child.pk])
        row = re.search(rf'<a href="{link}">{child.name}</a></td>\s*<td[^>]*>[^<]*</td>\s*'
                        r'((?:<td class="num">[^<]*</td>)+)', html)
        assert row, child.name
        cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
        assert cells[: len(CHILD_COLUMNS)] == [str(live[key]) for key, _l in CHILD_COLUMNS]


def test_every_table_exports_to_xlsx_with_the_same_numbers(client, demo):
    client.force_login(demo.county_cadre)
    live = live_figures(demo.county)
    response = client.get(export_url(demo.county, "figures"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = {r[0]: r[1] for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True) if r[0]}
    assert rows["会员总数"] == live["members"] and rows["性别：女"] == live["female"]
    assert rows["新就业形态：外卖骑手"] == live["form_rider"]

    children = client.get(export_url(demo.county, "children"))
    sheet = list(load_workbook(BytesIO(children.content)).active.iter_rows(values_only=True))
    by_name = {r[0]: r for r in sheet[3:]}
    assert by_name["锦江区快递行业工会联合会"][3] == live_figures(demo.industry)["members"] == 2

    trend = client.get(export_url(demo.county, "trend"))
    assert trend.status_code == 200
    assert client.get(export_url(demo.county, "nope")).status_code == 404


def test_an_org_name_that_looks_like_a_formula_is_written_as_text(client, demo):
    from gonghui.orgs.models import Org

    Org.objects.filter(pk=demo.grassroots.pk).update(name="=HYPERLINK(\"http://x\")工会")
    client.force_login(demo.county_cadre)
    response = client.get(export_url(demo.county, "children"))
    names = [r[0] for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")工会" in names


def test_a_past_date_shows_the_state_then_and_a_bad_date_is_refused_in_chinese(client, demo):
    client.force_login(demo.county_cadre)
    url = reverse("console:stats-dashboard", args=[demo.county.pk])
    html = client.get(url, {"as_of": "2019-12-31"}).content.decode()
    assert numbers(html, "figure")["members"] == str(live_figures(demo.county, as_of=date(2019, 12, 31))["members"])

    # Any day, exactly: the page counts to the day asked and says so; a month (YYYY-MM) stands for its last day.
    html = client.get(url, {"as_of": "2019-12-15"}).content.decode()
    assert "截至 2019年12月15日" in html and 'value="2019-12-15"' in html
    assert numbers(html, "figure")["members"] == str(live_figures(demo.county, as_of=date(2019, 12, 15))["members"])
    html = client.get(url, {"as_of": "2019-12"}).content.decode()
    assert "截至 2019年12月31日" in html

    html = client.get(url, {"as_of": "2025-13-01"}).content.decode()
    assert "统计日期格式应为 YYYY-MM-DD" in html
    html = client.get(url, {"as_of": "2999-01-01"}).content.decode()
    assert "统计日期不能晚于今天" in html


def test_big_screen_is_dark_refreshes_itself_and_shows_the_same_figures(client, demo):
    client.force_login(demo.county_cadre)
    html = client.get(reverse("console:stats-bigscreen", args=[demo.county.pk])).content.decode()
    assert 'http-equiv="refresh"' in html and 'class="bigscreen"' in html
    value = re.search(r'data-figure="members"><div class="value">(\d+)<', html)
    assert value and int(value.group(1)) == live_figures(demo.county)["members"]


def test_report_speaks_in_the_unions_voice_and_its_files_carry_the_same_figures(client, demo):
    client.force_login(demo.county_cadre)
    query = {"start": "2025-01-01", "end": "2025-06-30"}
    html = client.get(reverse("console:stats-report", args=[demo.county.pk]), query).content.decode()
    assert "2025年1月至6月，全区新发展会员2人，其中新就业形态劳动者2人。" in html

    xlsx = client.get(reverse("console:stats-report-xlsx", args=[demo.county.pk]), query)
    rows = list(load_workbook(BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
    assert ("会员发展", "新发展会员", 2, "人") in rows
    assert ("会员发展", "期末会员", live_figures(demo.county, as_of=date(2025, 6, 30))["members"], "人") in rows

    pdf = client.get(reverse("console:stats-report-pdf", args=[demo.county.pk]), query)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content

    bad = client.get(reverse("console:stats-report", args=[demo.county.pk]),
                     {"start": "2025-07-01", "end": "2025-06-30"})
    assert "开始日期不能晚于结束日期" in bad.content.decode()


OTHER_COUNTY_URLS = [
    ("console:stats-dashboard", ""), ("console:stats-bigscreen", ""), ("console:stats-export", "?table=figures"),
    ("console:stats-export", "?table=children"), ("console:stats-quality", ""),
    ("console:stats-quality-list", "?check=missing_education"), ("console:stats-report", ""),
    ("console:stats-report-xlsx", ""), ("console:stats-report-pdf", ""),
]


@pytest.mark.parametrize("name,query", OTHER_COUNTY_URLS)
def test_a_county_cadre_gets_no_number_of_another_county(client, demo, name, query):
    client.force_login(demo.county_cadre)
    for org in (demo.sibling_county, demo.sibling_grassroots, demo.city, demo.other_province):
        assert client.get(reverse(name, args=[org.pk]) + query).status_code == 404


def test_quality_counts_link_to_the_masked_records_behind_them(client, demo):
    no_education = Member.objects.get(name="李强")
    Member.objects.filter(name="王秀英").update(joined_on=date(1990, 1, 1), birth_date=date(1996, 3, 4))
    twin = member_register(org=demo.industry, name="张伟伟", id_number=idnumber.make("510104", date(1992, 2, 2), 131),
                           phone="13800010001", joined_on=date(2024, 1, 1), actor=None)
    client.force_login(demo.county_cadre)
    html = client.get(reverse("console:stats-quality", args=[demo.county.pk])).content.decode()
    list_url = quality_url(demo.county, "missing_education")
    assert f'href="{list_url}"' in html
    assert "0 · 约束保证" in html  # the same ID number in two unions: impossible by the unique index

    listed = client.get(list_url).content.decode()
    assert no_education.name in listed and no_education.id_number not in listed
    assert no_education.id_number_masked in listed

    before_birth = client.get(quality_url(demo.county, "joined_before_birth"))
    assert "王秀英" in before_birth.content.decode()

    shared = client.get(quality_url(demo.county, "phone_shared")).content.decode()
    assert "张伟" in shared and twin.name in shared and "13800010001" not in shared and "138****0001" in shared

    mismatch = client.get(quality_url(demo.county, "id_mismatch")).content.decode()
    assert "王秀英" not in mismatch
    Member.objects.filter(name="杨磊").update(gender="2")
    mismatch = client.get(quality_url(demo.county, "id_mismatch")).content.decode()
    assert "杨磊" in mismatch


def test_quality_of_a_large_subtree_sends_the_cadre_one_level_down(client, demo, settings):
    settings.GONGHUI_QUALITY_LIVE_LIMIT = 1
    client.force_login(demo.county_cadre)
    html = client.get(reverse("console:stats-quality", args=[demo.county.pk])).content.decode()
    assert "请选择下级组织查看其数据质量" in html
    assert reverse("console:stats-quality", args=[demo.grassroots.pk]) in html
    listed = client.get(quality_url(demo.county, "missing_education"))
    assert "范围过大" in listed.content.decode()


def test_stale_unions_are_those_without_a_membership_change_for_n_months(client, demo):
    from django.utils import timezone

    from gonghui.orgs.models import Org

    Org.objects.update(created_at=timezone.make_aware(timezone.datetime(2000, 1, 1)))
    member_register(org=demo.industry, name="新会员", id_number=idnumber.make("510104", date(1995, 5, 5), 141),
                    joined_on=timezone.localdate(), actor=None)
    client.force_login(demo.county_cadre)
    url = quality_url(demo.county, "stale_unions")
    html = client.get(url + "&months=12").content.decode()
    # The tech company's last change was 王秀英 joining in March 2024; the courier federation's was today.
    assert "锦江区某科技公司工会" in html and "锦江区快递行业工会联合会" not in html
    assert client.get(quality_url(demo.county, "nope")).status_code == 404
