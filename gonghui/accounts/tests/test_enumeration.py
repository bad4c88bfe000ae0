"""No user enumeration (ASVS 6.3.8): whether an account exists changes neither the status nor the body."""
import re

import pytest
from django.urls import reverse

from gonghui.core.testing.personas import PASSWORD

UNREGISTERED = "13912345678"
REGISTERED = "13800000001"


@pytest.fixture
def accounts(db):
    """A cadre (a known username), a disabled cadre and a worker (a registered phone): no org tree needed."""
    from gonghui.accounts.models import User
    from gonghui.accounts.services import cadre_create, worker_for_phone

    cadre_create(username="county_cadre", password=PASSWORD, display_name="县干部", actor=None)
    disabled = cadre_create(username="grassroots_cadre", password=PASSWORD, display_name="基层干部", actor=None)
    User.objects.filter(pk=disabled.pk).update(is_active=False)
    return worker_for_phone(phone=REGISTERED)


def _normalised(html: str, *typed: str) -> str:
    """The page without what differs by construction: the per-response CSRF token and what the visitor typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken"', html)
    html = re.sub(r"1[3-9]\d\*{4}\d{4}", "PHONE", html)  # the masked number a code was sent to
    for value in typed:
        html = html.replace(value, "TYPED")
    return html


def test_console_sign_in_answers_an_unknown_username_exactly_like_a_wrong_password(client, accounts):
    url = reverse("console:login")
    known = client.post(url, {"username": "county_cadre", "password": "not-the-password"})
    unknown = client.post(url, {"username": "nobody_here", "password": "not-the-password"})

    assert known.status_code == unknown.status_code == 200
    assert _normalised(known.content.decode(), "county_cadre") == _normalised(unknown.content.decode(), "nobody_here")
    assert "用户名或密码不正确" in known.content.decode()


def test_console_sign_in_answers_a_disabled_account_exactly_like_a_wrong_password(client, accounts):
    url = reverse("console:login")
    disabled = client.post(url, {"username": "grassroots_cadre", "password": PASSWORD})
    wrong = client.post(url, {"username": "county_cadre", "password": "not-the-password"})

    assert disabled.status_code == wrong.status_code == 200
    assert _normalised(disabled.content.decode(), "grassroots_cadre") == _normalised(wrong.content.decode(),
                                                                                      "county_cadre")


@pytest.mark.parametrize("htmx", [False, True])
def test_portal_sms_code_answers_a_registered_phone_exactly_like_an_unregistered_one(client, accounts, htmx):
    registered = REGISTERED
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("portal:sms-code")

    known = client.post(url, {"phone": registered}, **headers)
    unknown = client.post(url, {"phone": UNREGISTERED}, **headers)

    assert known.status_code == unknown.status_code == 200
    assert _normalised(known.content.decode(), registered) == _normalised(unknown.content.decode(), UNREGISTERED)
    assert "PHONE" in _normalised(known.content.decode())  # both say the code went out


def test_api_join_code_answers_a_registered_phone_exactly_like_an_unregistered_one(client, accounts):
    from gonghui.accounts.services import api_token_create

    token = api_token_create(user=accounts, name="app", actor=accounts)[1]
    url = reverse("api:join_sms_code")
    answers = [client.post(url, {"phone": phone}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}") for phone in (REGISTERED, UNREGISTERED)]

    assert answers[0].status_code == answers[1].status_code == 200
    bodies = [answer.json() for answer in answers]
    assert bodies[0]["detail"] == bodies[1]["detail"]
    assert set(bodies[0]) == set(bodies[1]) == {"detail", "phone_masked"}
