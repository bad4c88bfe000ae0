"""The union tree in the console: a cadre sees their subtree, and nothing else exists for them."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import role_grant
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.services import org_create

pytestmark = pytest.mark.django_db


def detail(org) -> str:
    return reverse("console:org-detail", args=[org.pk])


def test_home_redirects_to_the_cadres_top_org(client, world):
    client.force_login(world.county_cadre)

    assert client.get(reverse("console:home"))["Location"] == detail(world.county)


def test_cadre_with_roles_in_two_subtrees_lands_on_the_tree(client, world):
    role_grant(user=world.county_cadre, org=world.other_grassroots, kind=RoleKind.STAFF, actor=None)
    client.force_login(world.county_cadre)

    assert client.get(reverse("console:home"))["Location"] == reverse("console:org-tree")
    html = client.get(reverse("console:org-tree")).content.decode()
    assert "锦江区总工会" in html and "泰和某企业工会" in html and "青羊区总工会" not in html


def test_county_cadre_sees_their_county_and_what_lies_below(client, world):
    client.force_login(world.county_cadre)

    assert client.get(detail(world.county)).status_code == 200
    assert client.get(detail(world.grassroots)).status_code == 200


@pytest.mark.parametrize("org_key", ["sibling_county", "sibling_grassroots", "city", "province", "other_county"])
def test_county_cadre_gets_404_outside_their_subtree(client, world, org_key):
    client.force_login(world.county_cadre)

    assert client.get(detail(world.orgs[org_key])).status_code == 404
    assert client.get(reverse("console:org-children", args=[world.orgs[org_key].pk])).status_code == 404


def test_grassroots_page_shows_the_employer(client, world):
    client.force_login(world.county_cadre)

    html = client.get(detail(world.grassroots)).content.decode()

    assert "单位信息" in html and world.grassroots.uscc in html and "I6510" in html and "120 人" in html


def test_breadcrumbs_show_only_the_ancestors_in_scope(client, world):
    client.force_login(world.county_cadre)

    html = client.get(detail(world.grassroots)).content.decode()

    assert f'href="{detail(world.county)}"' in html
    assert "成都市总工会" not in html and "四川省总工会" not in html


def test_org_page_counts_the_subtree(client, world):
    client.force_login(world.province_cadre)

    response = client.get(detail(world.city))

    assert response.context["member_total"] == 2
    assert response.context["totals"] == {"orgs": 5, "grassroots": 2}
    children = {row["org"].name: row for row in response.context["children"]}
    assert children["锦江区总工会"]["members"] == 1 and children["锦江区总工会"]["has_children"]


def test_children_partial_returns_rows_only(client, world):
    client.force_login(world.province_cadre)

    response = client.get(reverse("console:org-children", args=[world.county.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "锦江区某科技公司工会" in html and "锦江区快递行业工会联合会" in html


def test_org_page_queries_do_not_grow_with_children(client, world):
    client.force_login(world.county_cadre)
    client.get(detail(world.county))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(world.county))
    for n in range(6):
        org_create(parent=world.county, name=f"锦江区测试{n}工会", kind=OrgKind.GRASSROOTS,
                   level=OrgLevel.GRASSROOTS, code=f"T{n}", actor=None)

    with CaptureQueriesContext(connection) as many:
        client.get(detail(world.county))

    assert len(many) == len(few)
