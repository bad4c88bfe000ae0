"""Cadre accounts, roles on orgs and API tokens: who may create or grant them."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.accounts.choices import RoleKind
from gonghui.accounts.models import ApiToken, Role, User
from gonghui.accounts.services import (
    api_token_create, cadre_create, role_grant, role_revoke, token_hash, worker_for_phone,
)
from gonghui.core.testing.personas import PASSWORD, WORKER_PHONE
from gonghui.core.testing.state import changed_tables, fingerprint


def _refused(call, exception=PermissionDenied):
    before = fingerprint()
    with pytest.raises(exception) as caught:
        call()
    assert changed_tables(before, fingerprint()) == []
    return caught.value


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


# --- cadre accounts ---------------------------------------------------------------------------------


def test_a_new_cadre_account_has_a_hashed_password_and_no_scope(world):
    user = cadre_create(username="new_cadre", password=PASSWORD, display_name="新干部", actor=world.county_cadre)

    assert user.check_password(PASSWORD) and user.password != PASSWORD
    assert (user.scope_paths, user.is_cadre, user.is_staff) == ([], False, False)


def test_a_taken_username_is_refused(world):
    error = _refused(lambda: cadre_create(username="county_cadre", password=PASSWORD, display_name="重名",
                                          actor=None), ValidationError)

    assert error.message_dict == {"username": ["用户名已被使用"]}


def test_a_weak_password_is_refused(world):
    _refused(lambda: cadre_create(username="weak", password="12345678", display_name="弱口令", actor=None),
             ValidationError)


@pytest.mark.parametrize("persona", ["worker", "stranger", "auditor"])
def test_only_managing_cadres_and_administrators_create_accounts(world, persona):
    _refused(lambda: cadre_create(username="new_cadre", password=PASSWORD, display_name="新干部",
                                  actor=world.users[persona]))


# --- roles ------------------------------------------------------------------------------------------


def test_a_role_gives_the_subtree_of_its_org(world):
    user = cadre_create(username="new_cadre", password=PASSWORD, display_name="新干部", actor=None)

    role_grant(user=user, org=world.grassroots, kind=RoleKind.STAFF, actor=world.county_cadre)

    fresh = _fresh(user)
    assert (fresh.scope_paths, fresh.managing_paths, fresh.is_cadre) == (
        [world.grassroots.path], [world.grassroots.path], True)


def test_an_auditor_role_sees_but_does_not_manage(world):
    assert (world.auditor.scope_paths, world.auditor.managing_paths) == ([world.province.path], [])


def test_granting_the_same_role_twice_keeps_one_row(world):
    role_grant(user=world.stranger, org=world.grassroots, kind=RoleKind.STAFF, actor=None)
    role_grant(user=world.stranger, org=world.grassroots, kind=RoleKind.STAFF, actor=None)

    assert Role.objects.filter(user=world.stranger).count() == 1


@pytest.mark.parametrize(("persona", "org"), [
    ("county_cadre", "sibling_county"), ("county_cadre", "city"), ("grassroots_cadre", "county"),
    ("auditor", "grassroots"), ("worker", "grassroots"), ("stranger", "grassroots"),
])
def test_nobody_grants_a_role_outside_their_managing_scope(world, persona, org):
    _refused(lambda: role_grant(user=world.stranger, org=world.orgs[org], kind=RoleKind.STAFF,
                                actor=world.users[persona]))


def test_only_a_superuser_grants_the_system_administrator_role(world):
    _refused(lambda: role_grant(user=world.stranger, org=world.province, kind=RoleKind.SYSADMIN,
                                actor=world.province_cadre))

    role_grant(user=world.stranger, org=world.province, kind=RoleKind.SYSADMIN, actor=None)

    assert (_fresh(world.stranger).is_sysadmin, _fresh(world.stranger).is_staff) == (True, True)


def test_revoking_a_role_takes_its_scope_away(world):
    role = Role.objects.get(user=world.grassroots_cadre)

    role_revoke(role=role, actor=world.county_cadre)

    assert _fresh(world.grassroots_cadre).scope_paths == []


def test_nobody_revokes_a_role_outside_their_managing_scope(world):
    role = Role.objects.get(user=world.other_county_cadre)

    _refused(lambda: role_revoke(role=role, actor=world.county_cadre))


# --- API tokens -------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash_with_a_prefix_and_an_expiry(world):
    token, plaintext = api_token_create(user=world.county_cadre, name="对接", actor=world.county_cadre)

    assert plaintext.startswith("gh_") and len(plaintext) > 40
    assert (token.prefix, token.token_hash) == (plaintext[:8], token_hash(plaintext))
    assert plaintext not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert abs(token.expires_at - timezone.now() - timedelta(days=365)) < timedelta(minutes=1)


def test_a_token_without_expiry_may_be_made_by_the_system(world):
    token, _plaintext = api_token_create(user=world.county_cadre, name="长期", actor=None, days=None)

    assert token.expires_at is None


@pytest.mark.parametrize("persona", ["province_cadre", "grassroots_cadre", "worker"])
def test_nobody_makes_a_token_for_someone_else(world, persona):
    _refused(lambda: api_token_create(user=world.county_cadre, name="冒用", actor=world.users[persona]))


# --- worker accounts --------------------------------------------------------------------------------


def test_worker_for_phone_finds_the_account_by_any_spelling_of_the_number(world):
    assert worker_for_phone(phone=f"+86 {WORKER_PHONE[:3]} {WORKER_PHONE[3:7]} {WORKER_PHONE[7:]}") == world.worker


def test_a_worker_account_has_no_usable_password_and_no_scope(world):
    worker = _fresh(world.worker)

    assert (worker.has_usable_password(), worker.scope_paths, worker.phone) == (False, [], WORKER_PHONE)
    assert worker.phone_masked == "138****0001"


def test_two_first_sign_ins_of_one_number_at_once_share_one_account(world):
    # given the other request created the account between this one's look-up and its insert
    from unittest import mock

    from django.db.models.query import QuerySet

    with mock.patch.object(QuerySet, "first", return_value=None):
        # when this request inserts its own account
        user = worker_for_phone(phone=WORKER_PHONE)

    # then the unique phone index refuses it and the existing account is returned
    assert user == world.worker
    assert User.objects.filter(phone_hash=world.worker.phone_hash).count() == 1


def test_a_worker_phone_account_cannot_be_given_a_cadre_role(world):
    # An SMS code alone would then open the console: cadres sign in with a password of their own.
    error = _refused(lambda: role_grant(user=world.worker, org=world.grassroots, kind=RoleKind.STAFF,
                                        actor=world.county_cadre), ValidationError)

    assert error.message_dict == {"user": ["职工手机号账号不能授予干部角色，请为其创建干部账号"]}
    assert _fresh(world.worker).is_cadre is False
