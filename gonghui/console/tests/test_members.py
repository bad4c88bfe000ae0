"""The member register in the console: search in scope, and ID and phone numbers only ever masked."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core import idnumber
from gonghui.core.testing.personas import OTHER_WORKER_ID, WORKER_ID, WORKER_PHONE
from gonghui.members.services import member_register

pytestmark = pytest.mark.django_db
LIST = "/console/members/"


def names(response) -> list[str]:
    return [m.name for m in response.context["page"].rows]


def test_search_by_name(client, world):
    client.force_login(world.province_cadre)

    assert names(client.get(LIST, {"q": "张伟"})) == ["张伟"]


def test_search_by_pinyin_initials(client, world):
    client.force_login(world.province_cadre)

    assert names(client.get(LIST, {"q": "zw"})) == ["张伟"]
    assert names(client.get(LIST, {"q": "ln"})) == ["李娜"]


def test_search_by_the_exact_id_number(client, world):
    client.force_login(world.province_cadre)

    assert names(client.get(LIST, {"q": WORKER_ID})) == ["张伟"]
    assert names(client.get(LIST, {"q": WORKER_ID[:10]})) == []


def test_search_stays_in_scope(client, world):
    client.force_login(world.county_cadre)

    assert names(client.get(LIST)) == ["张伟"]
    assert names(client.get(LIST, {"q": OTHER_WORKER_ID})) == []
    assert names(client.get(LIST, {"q": "李娜"})) == []


def test_list_can_be_narrowed_to_an_org_in_scope_only(client, world):
    client.force_login(world.city_cadre)

    assert names(client.get(LIST, {"org": world.sibling_county.pk})) == ["李娜"]
    assert client.get(LIST, {"org": world.other_county.pk}).status_code == 404


def test_list_shows_masked_numbers_and_never_the_plaintext(client, world):
    client.force_login(world.county_cadre)

    html = client.get(LIST).content.decode()

    assert "5101**********" + WORKER_ID[-4:] in html and "138****0001" in html
    assert WORKER_ID not in html and WORKER_PHONE not in html


def test_search_by_id_number_neither_echoes_it_nor_keeps_it_in_the_address_bar(client, world):
    client.force_login(world.county_cadre)

    found = client.get(LIST, {"q": WORKER_ID}, HTTP_HX_REQUEST="true")
    missing = client.get(LIST, {"q": OTHER_WORKER_ID}, HTTP_HX_REQUEST="true")

    assert "张伟" in found.content.decode() and "没有找到相符的会员" in missing.content.decode()
    for response in (found, missing):
        assert WORKER_ID not in response.content.decode() and OTHER_WORKER_ID not in response.content.decode()
        assert response["HX-Push-Url"] == "false"


def test_live_search_answers_htmx_with_the_results_only(client, world):
    client.force_login(world.county_cadre)

    response = client.get(LIST, {"q": "zw"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="member-results">') and "<html" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_member_detail_is_masked(client, world):
    client.force_login(world.county_cadre)

    response = client.get(reverse("console:member-detail", args=[world.worker_member.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "张伟" in html and "138****0001" in html and WORKER_ID[-4:] in html
    assert WORKER_ID not in html and WORKER_PHONE not in html


@pytest.mark.parametrize("member_key", ["other_member", "other_province_member"])
def test_member_outside_scope_is_404(client, world, member_key):
    client.force_login(world.county_cadre)

    assert client.get(reverse("console:member-detail", args=[world.members[member_key].pk])).status_code == 404


def _register(world, n: int) -> None:
    for i in range(n):
        member_register(org=world.grassroots, name=f"测试{i:02d}",
                        id_number=idnumber.make("510104", date(1980, 1, 1 + i % 28), 300 + i),
                        joined_on=date(2021, 1, 1), actor=None)


def test_pages_through_a_long_list_without_counting_it(client, world):
    _register(world, 24)
    client.force_login(world.county_cadre)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["page"].rows) == 20 and first.context["page"].has_next
    assert len(second.context["page"].rows) == 5 and not second.context["page"].has_next
    assert first.context["total"] == 25
    assert "下一页" in first.content.decode()
    assert not any("COUNT(" in q["sql"].upper() and "members_member" in q["sql"] for q in _queries(client, LIST))


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


def test_list_queries_do_not_grow_with_rows(client, world):
    client.force_login(world.county_cadre)
    client.get(LIST)
    few = len(_queries(client, LIST))
    _register(world, 15)

    assert len(_queries(client, LIST)) == few
