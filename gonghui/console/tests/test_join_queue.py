"""The join queue in the console: applications in the cadre's scope, approved or not, one by one or together."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.services import cadre_create, role_grant
from gonghui.console.tests.join_support import application_in
from gonghui.core.testing.personas import PASSWORD
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.joining.choices import ApplicationStatus
from gonghui.joining.models import JoinApplication
from gonghui.members.models import Member

pytestmark = pytest.mark.django_db
QUEUE = "/console/join/"


def names(response) -> list[str]:
    return [a.name for a in response.context["page"].rows]


def fresh(application) -> JoinApplication:
    return JoinApplication.objects.get(pk=application.pk)


@pytest.fixture
def spread(world):
    """One application in each of the county, its grassroots and industry unions, and the sibling county."""
    return {
        "county": application_in(world.county, name="陈晨", serial=1),
        "grassroots": application_in(world.grassroots, name="周杰", serial=2),
        "industry": application_in(world.industry, name="吴桐", serial=3),
        "sibling": application_in(world.sibling_county, name="郑爽", serial=4),
    }


def test_a_county_cadre_sees_the_applications_of_their_county_only_oldest_first(client, world, spread):
    client.force_login(world.county_cadre)

    assert names(client.get(QUEUE)) == ["陈晨", "周杰", "吴桐"]


def test_a_grassroots_cadre_sees_their_own_unions_applications(client, world, spread):
    client.force_login(world.grassroots_cadre)

    assert names(client.get(QUEUE)) == ["周杰"]


def test_the_queue_shows_masked_numbers_the_routed_union_and_the_promised_date(client, world, spread):
    client.force_login(world.county_cadre)
    application = spread["industry"]

    html = client.get(QUEUE).content.decode()

    assert application.id_number_masked in html and application.phone_masked in html
    assert application.phone not in html and fresh(application).id_number_masked[-4:] in html
    assert "锦江区快递行业工会联合会" in html and "快递员" in html and "某未建会企业" in html
    assert application.due_on.isoformat() in html
    assert "青羊区总工会" not in html and "郑爽" not in html


def test_an_application_past_its_promised_date_is_marked_overdue(client, world, spread):
    # The promise is counted in working days from submission; moving it into the past stands for time passing.
    JoinApplication.objects.filter(pk=spread["county"].pk).update(due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(world.county_cadre)

    html = client.get(QUEUE).content.decode()

    assert html.count('class="overdue"') == 1 and "已超期" in html
    row = html.split('class="overdue"', 1)[1].split("</tr>", 1)[0]
    assert "陈晨" in row


def test_the_queue_filters_by_status(client, world, spread):
    client.force_login(world.county_cadre)
    client.post(reverse("console:join-reject", args=[spread["county"].pk]), {"reason": "经核实不在本区工作"})

    assert names(client.get(QUEUE, {"status": "rejected"})) == ["陈晨"]
    assert names(client.get(QUEUE)) == ["周杰", "吴桐"]
    assert sorted(names(client.get(QUEUE, {"status": "all"}))) == sorted(["陈晨", "周杰", "吴桐"])
    assert names(client.get(QUEUE, {"status": "nonsense"})) == ["周杰", "吴桐"]


def test_the_console_navigation_counts_the_pending_applications_in_scope(client, world, spread):
    client.force_login(world.county_cadre)

    html = client.get(reverse("console:org-tree")).content.decode()

    assert '<span class="nav-count" aria-label="3 份待审批">3</span>' in html


def test_the_detail_shows_the_application_masked(client, world, spread):
    application = spread["industry"]
    client.force_login(world.county_cadre)

    response = client.get(reverse("console:join-detail", args=[application.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "吴桐的入会申请" in html and application.id_number_masked in html and application.phone_masked in html
    assert application.phone not in html
    assert "四川省 成都市 锦江区" in html and "第1版" in html and "批准" in html and "不予批准" in html


@pytest.mark.parametrize("persona", ["county_cadre", "grassroots_cadre"])
def test_an_application_outside_the_scope_is_404(client, world, spread, persona):
    client.force_login(world.users[persona])

    assert client.get(reverse("console:join-detail", args=[spread["sibling"].pk])).status_code == 404


def test_approving_makes_the_applicant_a_member_of_the_routed_union(client, world, spread):
    application = spread["industry"]
    client.force_login(world.county_cadre)

    response = client.post(reverse("console:join-approve", args=[application.pk]))

    assert response["Location"] == reverse("console:join-detail", args=[application.pk])
    application = fresh(application)
    assert application.status == ApplicationStatus.APPROVED and application.decided_by == world.county_cadre
    member = Member.objects.get(pk=application.member_id)
    assert member.org == world.industry and member.user == application.applicant and member.card_number
    html = client.get(response["Location"]).content.decode()
    assert "已批准：吴桐 已登记为锦江区快递行业工会联合会会员" in html and member.card_number in html


def test_not_approving_needs_a_reason_shown_beside_the_field(client, world, spread):
    application = spread["county"]
    client.force_login(world.county_cadre)

    response = client.post(reverse("console:join-reject", args=[application.pk]), {"reason": "  "})

    assert response.status_code == 200 and "请填写不予批准的原因" in response.content.decode()
    assert fresh(application).status == ApplicationStatus.PENDING


def test_not_approving_with_a_reason(client, world, spread):
    application = spread["county"]
    client.force_login(world.county_cadre)

    client.post(reverse("console:join-reject", args=[application.pk]), {"reason": "经核实不在本区工作"})

    application = fresh(application)
    assert application.status == ApplicationStatus.REJECTED and application.reject_reason == "经核实不在本区工作"
    assert not Member.objects.filter(name="陈晨").exists()


def test_an_application_already_decided_cannot_be_decided_again(client, world, spread):
    application = spread["county"]
    client.force_login(world.county_cadre)
    client.post(reverse("console:join-approve", args=[application.pk]))

    response = client.post(reverse("console:join-reject", args=[application.pk]), {"reason": "重复操作"}, follow=True)

    assert "该入会申请已处理" in response.content.decode()
    assert fresh(application).status == ApplicationStatus.APPROVED and Member.objects.filter(name="陈晨").count() == 1


def test_bulk_approval_reports_each_row_and_leaves_others_alone(client, world, spread):
    client.force_login(world.county_cadre)
    ids = [spread["county"].pk, spread["industry"].pk, spread["sibling"].pk]

    response = client.post(reverse("console:join-approve-bulk"), {"ids": ids}, follow=True)

    html = response.content.decode()
    assert fresh(spread["county"]).status == fresh(spread["industry"]).status == ApplicationStatus.APPROVED
    assert fresh(spread["sibling"]).status == ApplicationStatus.PENDING
    results = html.split("批量批准结果", 1)[1].split("</table>", 1)[0]
    assert results.count('<span class="badge ok">已批准</span>') == 2 and "未找到" in results
    assert "郑爽" not in html and f"#{spread['sibling'].pk}" in results
    assert "批量批准：2 份已批准，1 份未能批准。" in html
    assert names(response) == ["周杰"]


def test_bulk_approval_with_nothing_ticked_says_so(client, world, spread):
    client.force_login(world.county_cadre)

    response = client.post(reverse("console:join-approve-bulk"), {}, follow=True)

    assert "请先勾选要批准的申请" in response.content.decode()


@pytest.mark.parametrize("route, data", [
    ("console:join-approve", {}), ("console:join-reject", {"reason": "不在本区"}),
])
def test_a_decision_outside_the_scope_is_404_and_changes_nothing(client, world, spread, route, data):
    client.force_login(world.county_cadre)
    before = fingerprint()

    response = client.post(reverse(route, args=[spread["sibling"].pk]), data)

    assert response.status_code == 404 and changed_tables(before, fingerprint()) == []


def test_a_worker_cannot_decide_and_nothing_changes(client, world, spread):
    client.force_login(world.worker)
    before = fingerprint()

    responses = [client.post(reverse("console:join-approve", args=[spread["county"].pk])),
                 client.post(reverse("console:join-approve-bulk"), {"ids": [spread["county"].pk]}),
                 client.get(QUEUE)]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert changed_tables(before, fingerprint()) == []


def test_an_auditor_sees_the_queue_but_a_decision_is_refused_and_changes_nothing(client, world, spread):
    client.force_login(world.auditor)
    before = fingerprint()

    assert names(client.get(QUEUE)) == ["陈晨", "周杰", "吴桐", "郑爽"]
    assert client.post(reverse("console:join-approve", args=[spread["county"].pk])).status_code == 403
    client.post(reverse("console:join-approve-bulk"), {"ids": [spread["county"].pk]})

    assert fresh(spread["county"]).status == ApplicationStatus.PENDING
    assert changed_tables(before, fingerprint()) == []


def test_decisions_need_a_post(client, world, spread):
    client.force_login(world.county_cadre)

    assert client.get(reverse("console:join-approve", args=[spread["county"].pk])).status_code == 405
    assert client.get(reverse("console:join-approve-bulk")).status_code == 405


def test_a_county_cadre_of_a_new_county_sees_an_empty_queue(client, world, spread):
    cadre = cadre_create(username="mianyang_cadre", password=PASSWORD, display_name="绵阳干部", actor=None)
    role_grant(user=cadre, org=world.sibling_city, kind=RoleKind.STAFF, actor=None)
    client.force_login(cadre)

    html = client.get(QUEUE).content.decode()

    assert "没有待审批的入会申请" in html and "nav-count" not in html
