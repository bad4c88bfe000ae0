"""django-axes locks a username at one address after five failures, never the username everywhere."""
import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from gonghui.core.testing.personas import PASSWORD

HOME, AWAY = "198.51.100.10", "198.51.100.20"


def _authenticate(username, password, ip):
    request = RequestFactory().post("/console/login/", REMOTE_ADDR=ip)
    return authenticate(request=request, username=username, password=password)


def _fail(username, ip, times=5):
    for _attempt in range(times):
        assert _authenticate(username, "not-the-password", ip) is None


def test_the_limit_is_five_failures_per_username_and_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_do_not_lock(world):
    _fail("county_cadre", HOME, times=4)

    assert _authenticate("county_cadre", PASSWORD, HOME) == world.county_cadre


def test_five_failures_lock_the_pair_even_against_the_right_password(world):
    _fail("county_cadre", HOME)

    assert _authenticate("county_cadre", PASSWORD, HOME) is None


def test_the_same_username_still_signs_in_from_another_address(world):
    _fail("county_cadre", HOME)

    assert _authenticate("county_cadre", PASSWORD, AWAY) == world.county_cadre


def test_another_username_still_signs_in_from_the_locked_address(world):
    _fail("county_cadre", HOME)

    assert _authenticate("grassroots_cadre", PASSWORD, HOME) == world.grassroots_cadre


def test_the_console_sign_in_page_shows_the_lock_and_lets_the_other_address_in(client, world):
    url = reverse("console:login")
    for _attempt in range(5):
        client.post(url, {"username": "county_cadre", "password": "not-the-password"}, REMOTE_ADDR=HOME)

    locked = client.post(url, {"username": "county_cadre", "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert locked.status_code == 403
    assert "_auth_user_id" not in client.session

    elsewhere = client.post(url, {"username": "county_cadre", "password": PASSWORD}, REMOTE_ADDR=AWAY)
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(world.county_cadre.pk)


def test_a_disabled_cadre_cannot_sign_in_with_the_right_password(world):
    from gonghui.accounts.models import User

    User.objects.filter(pk=world.county_cadre.pk).update(is_active=False)

    assert _authenticate("county_cadre", PASSWORD, HOME) is None


def test_behind_a_reverse_proxy_the_lock_holds_for_the_client_address_not_the_proxy(world, settings):
    # Every request reaches the platform from the proxy; the client is the address the proxy appended.
    settings.GONGHUI_BEHIND_PROXY = True

    def attempt(password, client):
        request = RequestFactory().post("/console/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client)
        return authenticate(request=request, username="county_cadre", password=password)

    for _attempt in range(5):
        assert attempt("not-the-password", HOME) is None

    assert attempt(PASSWORD, HOME) is None
    assert attempt(PASSWORD, AWAY) == world.county_cadre
