"""查看完整号码 (gonghui.members.unmask): a permission plus a stated reason, and exactly one audit event — on the
member's console page and through `POST /api/v1/members/{id}/unmask`."""
import json

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from gonghui.accounts.services import api_token_create
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import OTHER_WORKER_ID, WORKER_ID, WORKER_PHONE, build_world


@pytest.fixture(scope="module")
def unmask_world(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             GONGHUI_SMS_BACKEND="gonghui.core.sms.LocmemBackend")
    with django_db_blocker.unblock(), fast, transaction.atomic():
        world = build_world()
        world.tokens = {key: api_token_create(user=world.users[key], name="试", actor=None)[1]
                        for key in ("county_cadre", "auditor", "worker", "other_county_cadre")}
        yield world
        transaction.set_rollback(True)


def _events():
    return AuditEvent.objects.filter(action="member.unmask")


def _console(client, world, persona, member, reason):
    client.force_login(world.users[persona])
    return client.post(reverse("console:member-unmask", args=[member.pk]), {"reason": reason},
                       REMOTE_ADDR="10.1.2.3")


def _api(client, world, persona, member, body):
    return client.post(reverse("api:member_unmask", kwargs={"member_id": member.pk}), json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {world.tokens[persona]}",
                       REMOTE_ADDR="10.1.2.4")


def test_a_cadre_who_manages_the_member_sees_the_numbers_once_with_one_audit_event(unmask_world, db, client):
    member = unmask_world.worker_member

    response = _console(client, unmask_world, "county_cadre", member, "  核对身份  ")

    html = response.content.decode()
    assert response.status_code == 200 and WORKER_ID in html and WORKER_PHONE in html
    assert "no-store" in response["Cache-Control"]
    event = _events().get()
    assert (event.actor, event.object_id, event.ip, event.after["reason"], event.org_path) == (
        unmask_world.county_cadre, str(member.pk), "10.1.2.3", "核对身份", member.org.path)
    assert WORKER_ID not in json.dumps(event.after) and WORKER_PHONE not in json.dumps(event.after)


def test_a_number_quoted_in_the_reason_is_masked_in_the_audit_event(unmask_world, db, client):
    _api(client, unmask_world, "county_cadre", unmask_world.worker_member, {"reason": f"来电 {WORKER_PHONE} 核对"})

    assert _events().get().after["reason"] == "来电 138****0001 核对"


def test_the_member_page_offers_the_form_only_to_who_may_unmask(unmask_world, db, client):
    url = reverse("console:member-detail", args=[unmask_world.worker_member.pk])
    client.force_login(unmask_world.county_cadre)
    assert "查看完整号码" in client.get(url).content.decode()
    client.force_login(unmask_world.auditor)
    assert "查看完整号码" not in client.get(url).content.decode()


def test_without_a_reason_nothing_is_shown_and_nothing_recorded(unmask_world, db, client):
    console = _console(client, unmask_world, "county_cadre", unmask_world.worker_member, " ")
    api = _api(client, unmask_world, "county_cadre", unmask_world.worker_member, {})

    assert console.status_code == 422 and "请填写查看完整号码的理由" in console.content.decode()
    assert api.status_code == 422 and api.json()["errors"]["reason"] == ["请填写查看完整号码的理由"]
    assert WORKER_ID not in console.content.decode() + api.content.decode()
    assert not _events().exists()


def test_a_one_character_reason_is_told_the_length_and_the_input_says_it_too(unmask_world, db, client):
    console = _console(client, unmask_world, "county_cadre", unmask_world.worker_member, "查")
    api = _api(client, unmask_world, "county_cadre", unmask_world.worker_member, {"reason": "查"})

    html = console.content.decode()
    assert console.status_code == 422 and "理由至少需要2个字（最多200个字）" in html
    assert "请填写查看完整号码的理由" not in html
    assert api.status_code == 422 and api.json()["errors"]["reason"] == ["理由至少需要2个字（最多200个字）"]
    assert 'name="reason" minlength="2" maxlength="200"' in html
    assert WORKER_ID not in html and not _events().exists()


def test_without_the_permission_403_and_out_of_scope_404_nothing_recorded(unmask_world, db, client):
    member = unmask_world.worker_member
    answers = [
        _console(client, unmask_world, "auditor", member, "核对").status_code,  # in scope, reads only
        _api(client, unmask_world, "auditor", member, {"reason": "核对"}).status_code,
        _console(client, unmask_world, "other_county_cadre", member, "核对").status_code,  # a sibling county
        _api(client, unmask_world, "other_county_cadre", member, {"reason": "核对"}).status_code,
        _api(client, unmask_world, "worker", unmask_world.other_member, {"reason": "核对"}).status_code,
        _console(client, unmask_world, "worker", member, "核对").status_code,  # a worker has no console
    ]

    assert answers == [403, 403, 404, 404, 404, 403]
    assert not _events().exists()


def test_the_api_shows_the_numbers_to_a_managing_cadre_and_to_the_member_themself(unmask_world, db, client):
    cadre = _api(client, unmask_world, "county_cadre", unmask_world.worker_member, {"reason": "联系本人"})
    own = _api(client, unmask_world, "worker", unmask_world.worker_member, {"reason": "核对本人信息"})

    assert cadre.status_code == own.status_code == 200
    assert cadre.json() == own.json() == {"id_number": WORKER_ID, "phone": WORKER_PHONE}
    assert cadre["Cache-Control"].startswith("no-store")
    assert [(e.actor_id, e.ip) for e in _events().order_by("id")] == [
        (unmask_world.county_cadre.pk, "10.1.2.4"), (unmask_world.worker.pk, "10.1.2.4")]
    assert OTHER_WORKER_ID not in cadre.content.decode()


def test_past_thirty_unmasks_an_hour_one_account_gets_429_in_chinese_and_nothing_is_recorded(unmask_world, db,
                                                                                            client):
    """GONGHUI_RATE_LIMITS["unmask_user"]: the console page and the API count together, per account."""
    from unittest import mock

    from gonghui.core import ratelimit

    member = unmask_world.worker_member
    now = ratelimit.time.time()
    with mock.patch.object(ratelimit.time, "time", lambda: now):  # one window, whenever the test runs
        answers = [_console(client, unmask_world, "county_cadre", member, "核对").status_code for _ in range(15)]
        answers += [_api(client, unmask_world, "county_cadre", member, {"reason": "核对"}).status_code
                    for _ in range(15)]
        page = _console(client, unmask_world, "county_cadre", member, "第三十一次")
        api = _api(client, unmask_world, "county_cadre", member, {"reason": "第三十二次"})
        own = _api(client, unmask_world, "worker", member, {"reason": "核对本人信息"})  # another account

    assert answers == [200] * 30
    html = page.content.decode()
    assert page.status_code == 429 and "操作过于频繁，请" in html and WORKER_ID not in html
    assert int(page["Retry-After"]) >= 1
    assert api.status_code == 429 and api.json()["detail"].startswith("操作过于频繁，请")
    assert WORKER_ID not in api.content.decode()
    assert own.status_code == 200
    assert _events().filter(actor=unmask_world.county_cadre).count() == 30
    assert not _events().filter(after__reason__in=["第三十一次", "第三十二次"]).exists()
