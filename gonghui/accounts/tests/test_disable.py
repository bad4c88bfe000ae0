"""Disabling an account ends every session it holds at once and revokes its API tokens (ASVS 7.4.2)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import ApiToken, User
from gonghui.accounts.services import api_token_create, cadre_create, user_disable
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import PASSWORD

PAGE = "/console/members/"


def _signed_in(client) -> bool:
    return client.get(PAGE).wsgi_request.user.is_authenticated


@pytest.fixture
def cadres(db):
    """Two cadres without roles: signing in and being disabled need no org tree, which costs more to build."""
    from types import SimpleNamespace

    return SimpleNamespace(**{name: cadre_create(username=name, password=PASSWORD, display_name=name, actor=None)
                              for name in ("county_cadre", "grassroots_cadre")})


@pytest.fixture
def cadre_everywhere(cadres):
    """The county cadre signed in on two browsers, with an app token."""
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(cadres.county_cadre)
        assert _signed_in(browser)
    token = api_token_create(user=cadres.county_cadre, name="小程序", actor=cadres.county_cadre)[1]
    return browsers, token


def test_disabling_ends_every_session_and_revokes_every_token_and_is_audited(cadres, cadre_everywhere):
    browsers, token = cadre_everywhere

    user_disable(user=cadres.county_cadre, actor=None, reason="离职")

    assert not any(_signed_in(browser) for browser in browsers)
    api = Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 401
    assert not ApiToken.objects.filter(user=cadres.county_cadre, revoked=False).exists()
    event = AuditEvent.objects.get(action="user.disable", object_id=str(cadres.county_cadre.pk))
    assert event.after == {"is_active": False, "reason": "离职", "api_tokens_revoked": 1}


def test_enabling_the_account_again_does_not_bring_its_old_sessions_back(cadres, cadre_everywhere):
    browsers, _token = cadre_everywhere
    user_disable(user=cadres.county_cadre, actor=None, reason="调查期间")

    User.objects.filter(pk=cadres.county_cadre.pk).update(is_active=True)

    assert not any(_signed_in(browser) for browser in browsers)
    fresh = Client()
    fresh.force_login(User.objects.get(pk=cadres.county_cadre.pk))
    assert _signed_in(fresh)


def test_other_accounts_keep_their_sessions(cadres, cadre_everywhere):
    colleague = Client()
    colleague.force_login(cadres.grassroots_cadre)

    user_disable(user=cadres.county_cadre, actor=None, reason="离职")

    assert _signed_in(colleague)


def test_a_business_cadre_may_not_disable_an_account_and_nobody_disables_themselves(cadres):
    with pytest.raises(PermissionDenied):
        user_disable(user=cadres.grassroots_cadre, actor=cadres.county_cadre, reason="")
    with pytest.raises((ValidationError, PermissionDenied)):
        user_disable(user=cadres.county_cadre, actor=cadres.county_cadre, reason="")
    assert User.objects.get(pk=cadres.grassroots_cadre.pk).is_active


def test_the_command_disables_by_username_with_a_reason(cadres, cadre_everywhere, capsys):
    browsers, _token = cadre_everywhere

    call_command("user", "disable", "county_cadre", "--reason", "账号疑似被盗用")

    assert "已停用账号 county_cadre" in capsys.readouterr().out
    assert not User.objects.get(pk=cadres.county_cadre.pk).is_active
    assert not any(_signed_in(browser) for browser in browsers)
    with pytest.raises(CommandError, match="不存在"):
        call_command("user", "disable", "nobody", "--reason", "测试")
