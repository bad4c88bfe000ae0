"""Audit events: one per change, in the change's own transaction, never editable, never holding plaintext."""
from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.models import Role
from gonghui.accounts.services import api_token_create, cadre_create, role_grant, role_revoke, worker_for_phone
from gonghui.core import audit, idnumber
from gonghui.core.context import client_ip
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import (
    OTHER_WORKER_ID, OTHER_WORKER_PHONE, PASSWORD, WORKER_ID, WORKER_PHONE, build_world,
)
from gonghui.members.services import member_register, members_reattach
from gonghui.orgs.choices import OrgKind, OrgLevel
from gonghui.orgs.models import Org
from gonghui.orgs.services import org_close, org_create, org_merge, org_move, org_update

IP = "203.0.113.7"
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


@pytest.fixture
def ip():
    token = client_ip.set(IP)
    yield IP
    client_ip.reset(token)


def _new_events(after_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=after_id).order_by("id"))


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _branch(world, name="锦江区某科技公司工会第一分会", code="510104G1B1"):
    return org_create(parent=world.grassroots, name=name, kind=OrgKind.BRANCH, level=OrgLevel.GRASSROOTS,
                      code=code, actor=world.county_cadre)


# --- the rule itself ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit.record(actor=None, action="test.outside", object_type="test")

    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_when_the_audit_event_cannot_be_written_the_change_is_rolled_back_with_it():
    # given the tree's root exists
    province = org_create(parent=None, name="四川省总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE,
                          code="51", actor=None)

    # when writing the event fails inside org_create
    with mock.patch("gonghui.core.audit.insert", side_effect=DatabaseError("disk full")):
        with pytest.raises(DatabaseError):
            org_create(parent=province, name="成都市总工会", kind=OrgKind.FEDERATION, level=OrgLevel.CITY,
                       code="5101", actor=None)

    # then the org is not there either
    assert list(Org.objects.values_list("code", flat=True)) == ["51"]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["org.create"]


def test_an_event_records_the_actor_the_action_the_object_and_the_client_address(world, ip):
    before = _last_id()

    org = _branch(world)

    [event] = _new_events(before)
    assert (event.actor, event.actor_label, event.action) == (world.county_cadre, "县总干部", "org.create")
    assert (event.object_type, event.object_id, event.org_path) == ("orgs.org", str(org.pk), org.path)
    assert event.ip == IP
    assert event.before is None
    assert event.after["name"] == "锦江区某科技公司工会第一分会"
    assert event.after["path"] == org.path
    assert event.at is not None


def test_a_system_change_is_recorded_as_the_system(db):
    org_create(parent=None, name="四川省总工会", kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE, code="51",
               actor=None)

    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_label, event.ip) == (None, "system", None)


# --- one event per service ---------------------------------------------------------------------------


def test_org_update_records_the_values_before_and_after(world, ip):
    before = _last_id()

    org_update(org=world.grassroots, name="锦江区某软件公司工会", actor=world.county_cadre)

    [event] = _new_events(before)
    assert (event.action, event.actor, event.ip) == ("org.update", world.county_cadre, IP)
    assert event.object_id == str(world.grassroots.pk)
    assert event.before["name"] == "锦江区某科技公司工会"
    assert event.after["name"] == "锦江区某软件公司工会"


def test_org_move_records_the_old_and_new_place(world, ip):
    before = _last_id()

    org_move(org=world.grassroots, new_parent=world.sibling_county, actor=world.city_cadre)

    [event] = _new_events(before)
    assert (event.action, event.actor, event.ip) == ("org.move", world.city_cadre, IP)
    assert event.before["parent_id"] == world.county.pk
    assert event.after["parent_id"] == world.sibling_county.pk
    assert event.before["path"] == world.grassroots.path
    assert event.after["path"] == f"{world.sibling_county.path}{world.grassroots.pk}/"


def test_org_close_records_the_status_change(world, ip):
    branch = _branch(world)
    before = _last_id()

    org_close(org=branch, actor=world.grassroots_cadre)

    [event] = _new_events(before)
    assert (event.action, event.actor, event.ip) == ("org.close", world.grassroots_cadre, IP)
    assert (event.before["status"], event.after["status"]) == ("active", "closed")


def test_org_merge_records_the_merge_one_move_per_child_and_the_members_moved(world, ip):
    # Documented number: one org.move per active child, one member.reattach, one org.merge.
    before = _last_id()

    org_merge(source=world.county, target=world.sibling_county, actor=world.city_cadre)

    events = _new_events(before)
    assert [e.action for e in events] == ["org.move", "org.move", "member.reattach", "org.merge"]
    assert {e.object_id for e in events[:2]} == {str(world.grassroots.pk), str(world.industry.pk)}
    merge = events[-1]
    assert (merge.actor, merge.ip, merge.object_id) == (world.city_cadre, IP, str(world.county.pk))
    assert (merge.before["status"], merge.after["status"]) == ("active", "merged")
    assert merge.after["merged_into"] == world.sibling_county.pk


def test_member_register_records_masked_numbers_only(world, ip):
    before = _last_id()
    number = idnumber.make("510104", date(1992, 2, 29), 321)

    member = member_register(org=world.grassroots, name="陈静", id_number=number, phone="13900001111",
                             joined_on=date(2024, 1, 1), actor=world.grassroots_cadre)

    [event] = _new_events(before)
    assert (event.action, event.actor, event.ip) == ("member.register", world.grassroots_cadre, IP)
    assert (event.object_type, event.object_id) == ("members.member", str(member.pk))
    assert event.after["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert event.after["phone"] == "139****1111"
    assert number not in str(event.after) and "13900001111" not in str(event.after)


def test_members_reattach_records_one_event_naming_both_orgs(world, ip):
    before = _last_id()

    moved = members_reattach(source=world.grassroots, target=world.industry, actor=world.county_cadre)

    [event] = _new_events(before)
    assert moved == 1
    assert (event.action, event.actor, event.ip) == ("member.reattach", world.county_cadre, IP)
    assert event.after == {"from": world.grassroots.pk, "to": world.industry.pk, "members": 1}


def test_cadre_create_records_the_new_account_without_its_password(world, ip):
    before = _last_id()

    user = cadre_create(username="new_cadre", password=PASSWORD, display_name="新干部", actor=world.county_cadre)

    [event] = _new_events(before)
    assert (event.action, event.actor, event.object_id, event.ip) == ("user.create", world.county_cadre,
                                                                      str(user.pk), IP)
    assert event.after == {"username": "new_cadre"}


def test_role_grant_and_role_revoke_each_record_one_event(world, ip):
    user = cadre_create(username="new_cadre", password=PASSWORD, display_name="新干部", actor=None)
    before = _last_id()

    role = role_grant(user=user, org=world.grassroots, kind=RoleKind.STAFF, actor=world.county_cadre)
    role_pk = role.pk
    role_revoke(role=role, actor=world.county_cadre)

    grant, revoke = _new_events(before)
    assert (grant.action, grant.object_id, grant.org_path, grant.ip) == ("role.grant", str(role_pk),
                                                                          world.grassroots.path, IP)
    assert grant.after == {"user": "new_cadre", "org": world.grassroots.pk, "kind": "staff"}
    assert (revoke.action, revoke.object_id, revoke.actor) == ("role.revoke", str(role_pk), world.county_cadre)
    assert revoke.before == {"user": "new_cadre", "org": world.grassroots.pk, "kind": "staff"}
    assert not Role.objects.filter(pk=role_pk).exists()


def test_api_token_create_records_the_token_but_never_its_secret(world, ip):
    before = _last_id()

    token, plaintext = api_token_create(user=world.county_cadre, name="统计对接", actor=world.county_cadre)

    [event] = _new_events(before)
    assert (event.action, event.object_id, event.ip) == ("api_token.create", str(token.pk), IP)
    assert event.after == {"user": "county_cadre", "name": "统计对接"}
    assert plaintext not in str(event.after)


def test_worker_for_phone_records_the_first_sign_up_only(db, ip):
    user = worker_for_phone(phone="13912345678")
    again = worker_for_phone(phone="139 1234 5678")

    [event] = AuditEvent.objects.all()
    assert again == user
    assert (event.action, event.actor, event.object_id, event.ip) == ("user.worker_signup", user, str(user.pk), IP)
    assert event.after == {"phone": "139****5678"}


# --- refusals leave no trace ------------------------------------------------------------------------


def test_a_service_that_fails_validation_writes_no_event(world):
    before = _last_id()

    with pytest.raises(ValidationError):
        member_register(org=world.grassroots, name="陈静", id_number="510104199002301234",
                        joined_on=date(2024, 1, 1), actor=world.grassroots_cadre)
    with pytest.raises(ValidationError):
        org_close(org=world.grassroots, actor=world.county_cadre)
    with pytest.raises(ValidationError):
        org_move(org=world.county, new_parent=world.grassroots, actor=world.city_cadre)

    assert _new_events(before) == []


def test_a_refused_actor_writes_no_event(world):
    before = _last_id()

    with pytest.raises(PermissionDenied):
        org_update(org=world.sibling_county, name="改名", actor=world.county_cadre)
    with pytest.raises(PermissionDenied):
        role_grant(user=world.stranger, org=world.province, kind=RoleKind.CHAIR, actor=world.county_cadre)

    assert _new_events(before) == []


def test_no_event_of_the_world_holds_a_plaintext_id_or_phone_number(world):
    secrets = [WORKER_ID, OTHER_WORKER_ID, WORKER_PHONE, OTHER_WORKER_PHONE, world.other_province_member.id_number]

    for event in AuditEvent.objects.all():
        text = f"{event.before} {event.after} {event.object_id} {event.actor_label}"
        assert not [s for s in secrets if s in text], event


# --- append-only in the database ---------------------------------------------------------------------


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    return str(caught.value)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_delete_and_truncate_of_committed_audit_events():
    # Committed first: in the writing transaction PostgreSQL would refuse TRUNCATE for its pending FK checks.
    build_world()
    count = AuditEvent.objects.count()

    assert "append-only (UPDATE refused)" in _refused("UPDATE core_auditevent SET action = 'forged'")
    assert "append-only (DELETE refused)" in _refused("DELETE FROM core_auditevent")
    assert "append-only (TRUNCATE refused)" in _refused("TRUNCATE core_auditevent")

    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="forged").exists()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_refuses_update_and_delete_of_committed_audit_events():
    build_world()
    count = AuditEvent.objects.count()

    assert "append-only (UPDATE refused)" in _refused("UPDATE core_auditevent SET action = 'forged'")
    assert "append-only (DELETE refused)" in _refused("DELETE FROM core_auditevent")
    first = AuditEvent.objects.order_by("id").first().pk
    assert "append-only (DELETE refused)" in _refused(f"DELETE FROM core_auditevent WHERE id = {first}")

    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="forged").exists()


def test_the_orm_cannot_edit_or_delete_audit_events_either(world):
    event = AuditEvent.objects.order_by("id").first()

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.action == "org.create"


def test_inserting_new_events_is_still_allowed(db):
    with transaction.atomic():
        audit.record(actor=None, action="test.insert", object_type="test", object_id=1)

    assert AuditEvent.objects.filter(action="test.insert").count() == 1
