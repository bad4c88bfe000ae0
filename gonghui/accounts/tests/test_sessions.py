"""Sessions: idle timeout, absolute lifetime, and disabled accounts losing the sessions they hold."""
from datetime import datetime, timedelta, timezone as dt_timezone
from unittest import mock

import pytest
from django.conf import settings

from gonghui.accounts.models import User

PROBE = "/__session_probe__/"  # any URL: every request passes the session and authentication middleware
PHONE_BACKEND = "gonghui.accounts.backends.PhoneCodeBackend"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Clock:
    """Moves Django's timezone.now and the lifetime middleware's time.time together."""

    def __init__(self):
        self.now = datetime(2026, 6, 1, 9, 0, tzinfo=dt_timezone.utc)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch("django.utils.timezone.now", lambda: c.now), \
            mock.patch("gonghui.accounts.middleware.time.time", lambda: c.now.timestamp()):
        yield c


def _signed_in(client) -> bool:
    response = client.get(PROBE)
    return response.wsgi_request.user.is_authenticated


def test_the_idle_timeout_is_thirty_minutes_renewed_by_every_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.GONGHUI_SESSION_MAX_AGE == timedelta(hours=12)


def test_a_session_survives_requests_less_than_thirty_minutes_apart(client, world, clock):
    client.force_login(world.county_cadre)

    for _request in range(4):
        clock.advance(minutes=25)
        assert _signed_in(client)


def test_a_session_idle_for_more_than_thirty_minutes_ends(client, world, clock):
    client.force_login(world.county_cadre)
    assert _signed_in(client)

    clock.advance(minutes=31)

    assert not _signed_in(client)


def test_a_busy_session_still_ends_after_twelve_hours(client, world, clock):
    # given a cadre who makes a request every 25 minutes from the moment they sign in
    client.force_login(world.county_cadre)
    assert _signed_in(client)
    elapsed = timedelta()

    # when they keep going for 11 h 40 min, they stay signed in
    while elapsed + timedelta(minutes=25) < timedelta(hours=12):
        clock.advance(minutes=25)
        elapsed += timedelta(minutes=25)
        assert _signed_in(client), elapsed

    # then the first request past twelve hours signs them out, and they stay out
    clock.advance(minutes=25)
    assert not _signed_in(client)
    assert "_auth_user_id" not in client.session
    assert not _signed_in(client)


def test_the_lifetime_can_be_set_shorter(client, world, clock, settings):
    settings.GONGHUI_SESSION_MAX_AGE = timedelta(hours=1)
    client.force_login(world.county_cadre)
    assert _signed_in(client)

    for _request in range(2):
        clock.advance(minutes=25)
        assert _signed_in(client)
    clock.advance(minutes=25)

    assert not _signed_in(client)


@pytest.mark.parametrize(("persona", "backend"), [("county_cadre", MODEL_BACKEND), ("worker", PHONE_BACKEND)])
def test_disabling_an_account_ends_its_open_sessions(client, world, persona, backend):
    # given a signed-in user
    client.force_login(world.users[persona], backend=backend)
    assert _signed_in(client)

    # when an administrator disables the account
    User.objects.filter(pk=world.users[persona].pk).update(is_active=False)

    # then the session they hold no longer signs them in
    assert not _signed_in(client)


def test_a_session_ends_when_the_password_changes(client, world):
    client.force_login(world.county_cadre)
    user = User.objects.get(pk=world.county_cadre.pk)
    user.set_password("Another-password-2026")
    user.save()

    assert not _signed_in(client)
