"""Rate limits (gonghui.core.ratelimit): past the count, HTTP 429 in Chinese; pages in HTML, the API in JSON."""
import json
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from gonghui.accounts.models import SmsCode
from gonghui.accounts.services import api_token_create, cadre_create, worker_for_phone
from gonghui.core import ratelimit
from gonghui.core.testing.personas import PASSWORD

HOME, AWAY = "198.51.100.10", "198.51.100.20"
UNREGISTERED = "13912345678"


@pytest.fixture
def cadre(db):
    """An account with a password: no org or role is needed to be counted, and the persona tree costs more."""
    return cadre_create(username="county_cadre", password=PASSWORD, display_name="县干部", actor=None)


@pytest.fixture
def workers(db):
    return [worker_for_phone(phone=phone) for phone in ("13800000001", "13800000002")]


def _api(user, **extra) -> Client:
    token = api_token_create(user=user, name="app", actor=user)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


class _StillClock:
    """The limiter's clock held one second into a day: every window (a minute, an hour, a day) has just begun,
    so a test's few requests never straddle a window's edge (a fixed window starts its count afresh there)."""

    def __init__(self):
        self.now = time.time() // 86400 * 86400 + 1

    def time(self):
        return self.now


@pytest.fixture
def limits(settings, monkeypatch):
    """Set some limits low for one test: limits(sms_phone="2/h")."""
    monkeypatch.setattr(ratelimit, "time", _StillClock())

    def set_(**values):
        settings.GONGHUI_RATE_LIMITS = {**settings.GONGHUI_RATE_LIMITS, **values}

    return set_


def _is_429_page(response) -> bool:
    html = response.content.decode()
    return (response.status_code == 429 and "操作过于频繁" in html and '<html lang="zh-hans"' in html
            and int(response["Retry-After"]) >= 1)


def _is_429_json(response) -> bool:
    return (response.status_code == 429 and response["Content-Type"].startswith("application/json")
            and response.json()["detail"].startswith("操作过于频繁，请") and int(response["Retry-After"]) >= 1)


# --- the module ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "rate"), [("30/m", (30, 60)), ("5/h", (5, 3600)), ("100/10m", (100, 600)),
                                            ("2/d", (2, 86400)), ("7/s", (7, 1)), ("0", None), ("0/m", None)])
def test_rates_are_written_count_slash_period(text, rate):
    assert ratelimit.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["30", "thirty/m", "5/week", ""])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ImproperlyConfigured):
        ratelimit.parse_rate(text)


def test_a_limit_must_say_what_it_counts():
    with pytest.raises(ImproperlyConfigured):
        ratelimit.rate_limit("sms_everyone")


def test_the_counter_starts_again_in_the_next_window(limits):
    limits(sign_in_ip="2/m")
    request = RequestFactory().post("/", REMOTE_ADDR=HOME)
    start = 1_800_000_000.0  # the start of a minute
    with mock.patch.object(ratelimit.time, "time", lambda: start + 10):
        assert [ratelimit.hit("sign_in_ip", request) for _ in range(3)][:2] == [None, None]
        assert ratelimit.hit("sign_in_ip", request) == pytest.approx(50)
    with mock.patch.object(ratelimit.time, "time", lambda: start + 61):
        assert ratelimit.hit("sign_in_ip", request) is None


def test_counters_hold_no_phone_number_or_address(limits):
    limits(sms_phone="5/h", sms_ip="5/h")
    request = RequestFactory().post("/", {"phone": UNREGISTERED}, REMOTE_ADDR=HOME)
    ratelimit.check(request, ("sms_phone", "sms_ip"))
    keys = list(cache._cache)  # the local-memory cache's own keys
    assert len(keys) == 2
    assert not any(UNREGISTERED in key or HOME in key for key in keys)


def test_a_check_costs_well_under_a_tenth_of_a_millisecond(limits):
    # The join bench sends hundreds of requests a second from one address: two limits per request.
    limits(join_ip="100000000/m", join_user="100000000/m")
    request = RequestFactory().post("/", REMOTE_ADDR=HOME)
    request.user = mock.Mock(pk=42)
    names = ("join_ip", "join_user")
    for _ in range(200):
        ratelimit.check(request, names)
    rounds = 3000
    started = time.perf_counter()
    for _ in range(rounds):
        assert ratelimit.check(request, names) is None
    per_request = (time.perf_counter() - started) / rounds
    assert per_request < 0.0001, f"{per_request * 1e6:.1f} µs"


def test_the_limiter_counts_in_redis_when_the_cache_is_redis(limits, settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": f"test{time.time()}"}}
    limits(sms_ip="2/m")
    request = RequestFactory().post("/", REMOTE_ADDR=HOME)

    waits = [ratelimit.hit("sms_ip", request) for _ in range(3)]

    assert waits[:2] == [None, None] and 0 < waits[2] <= 60
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"


# --- sign-in ------------------------------------------------------------------------------------------------


def test_console_sign_in_is_limited_per_address(client, cadre, limits):
    limits(sign_in_ip="3/m")
    url = reverse("console:login")
    for _ in range(3):
        assert client.post(url, {"username": "nobody", "password": "x"}, REMOTE_ADDR=HOME).status_code == 200

    refused = client.post(url, {"username": "county_cadre", "password": PASSWORD}, REMOTE_ADDR=HOME)

    assert _is_429_page(refused)
    assert "_auth_user_id" not in client.session
    assert client.get(url, REMOTE_ADDR=HOME).status_code == 200  # the page itself still opens
    assert client.post(url, {"username": "county_cadre", "password": PASSWORD}, REMOTE_ADDR=AWAY).status_code == 302


def test_console_sign_in_is_limited_per_username_across_addresses(client, db, limits):
    limits(sign_in_username="2/m")
    url = reverse("console:login")
    for address in ("10.0.0.1", "10.0.0.2"):
        client.post(url, {"username": "County_Cadre", "password": "x"}, REMOTE_ADDR=address)

    assert _is_429_page(client.post(url, {"username": "county_cadre", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3"))


def test_portal_sign_in_is_limited_per_phone(client, db, limits):
    limits(sign_in_phone="2/m")
    url = reverse("portal:login")
    for address in ("10.0.0.1", "10.0.0.2"):
        client.post(url, {"phone": UNREGISTERED, "code": "000000"}, REMOTE_ADDR=address)

    assert _is_429_page(client.post(url, {"phone": UNREGISTERED, "code": "000000"}, REMOTE_ADDR="10.0.0.3"))


# --- SMS codes ------------------------------------------------------------------------------------------------


def test_sms_codes_are_limited_per_phone_whatever_the_address(client, db, limits):
    limits(sms_phone="1/h")
    url = reverse("portal:sms-code")
    assert client.post(url, {"phone": UNREGISTERED}, REMOTE_ADDR=HOME).status_code == 200

    refused = client.post(url, {"phone": f"+86 {UNREGISTERED}"}, REMOTE_ADDR=AWAY)

    assert _is_429_page(refused)
    assert SmsCode.objects.count() == 1


def test_sms_codes_are_limited_per_address_whatever_the_phone(client, db, limits):
    limits(sms_ip="2/m")
    url = reverse("portal:sms-code")
    for phone in ("13900000001", "13900000002"):
        client.post(url, {"phone": phone}, REMOTE_ADDR=HOME)

    assert _is_429_page(client.post(url, {"phone": "13900000003"}, REMOTE_ADDR=HOME))
    assert SmsCode.objects.count() == 2


def test_the_api_join_code_is_limited_per_phone_in_json(workers, limits):
    limits(sms_phone="1/h")
    client = _api(workers[0])
    url = reverse("api:join_sms_code")
    assert client.post(url, {"phone": UNREGISTERED}, content_type="application/json").status_code == 200

    assert _is_429_json(client.post(url, {"phone": UNREGISTERED}, content_type="application/json"))


# --- joining and application forms ----------------------------------------------------------------------------


def test_the_portal_join_form_is_limited_per_account(client, workers, limits):
    limits(join_user="2/h")
    client.force_login(workers[0])
    for _ in range(2):
        assert client.post(reverse("portal:join"), {}).status_code != 429

    assert _is_429_page(client.post(reverse("portal:join"), {}))
    assert client.get(reverse("portal:join")).status_code != 429  # reading the form is not counted


def test_the_api_join_application_is_limited_per_account_before_anything_is_claimed(workers, limits):
    from gonghui.core.models import IdempotencyRecord

    limits(join_user="1/h")
    client = _api(workers[0])
    url = reverse("api:join_apply")
    client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="first")
    records = IdempotencyRecord.objects.count()

    refused = client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="second")

    assert _is_429_json(refused)
    assert IdempotencyRecord.objects.count() == records  # a retry with "second" later runs for real


def test_the_api_join_application_is_limited_per_address(workers, limits):
    limits(join_ip="1/m")
    first, second = (_api(worker, REMOTE_ADDR=HOME) for worker in workers)
    first.post(reverse("api:join_apply"), {}, content_type="application/json")

    assert _is_429_json(second.post(reverse("api:join_apply"), {}, content_type="application/json"))


@pytest.mark.parametrize("route", ["portal:transfer", "portal:join-withdraw", "portal:transfer-cancel"])
def test_portal_application_forms_are_limited_per_account(client, workers, limits, route):
    limits(apply_user="1/h")
    client.force_login(workers[0])
    url = reverse(route, kwargs={} if route == "portal:transfer" else {"pk": 999999})
    client.post(url, {})

    assert _is_429_page(client.post(url, {}))


@pytest.mark.parametrize(("route", "kwargs"), [("api:transfer_request", {}), ("api:join_withdraw", {"application_id": 1}),
                                               ("api:transfer_cancel", {"transfer_id": 1})])
def test_api_application_calls_are_limited_per_account(workers, limits, route, kwargs):
    limits(apply_user="1/h")
    client = _api(workers[0])
    url = reverse(route, kwargs=kwargs)
    client.post(url, json.dumps({}), content_type="application/json")

    assert _is_429_json(client.post(url, json.dumps({}), content_type="application/json"))


def test_the_429_answers_are_documented_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/join/sms-code", "/api/v1/join/applications", "/api/v1/transfers"):
        assert "429" in schema["paths"][path]["post"]["responses"], path


def test_the_cache_is_redis_when_a_cache_url_is_set_and_process_memory_otherwise():
    import importlib.util
    import os

    import config.settings

    def backend(**env) -> str:
        """config/settings.py run again as a module of its own under `env`; the live settings stay as they are."""
        clean = {k: v for k, v in os.environ.items() if k not in ("GONGHUI_CACHE_URL", "GONGHUI_REDIS_URL")}
        with mock.patch.dict(os.environ, clean | env, clear=True):
            spec = importlib.util.spec_from_file_location("settings_probe", config.settings.__file__)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        return module.CACHES["default"]["BACKEND"].rsplit(".", 1)[1]

    assert backend() == "LocMemCache"
    assert backend(GONGHUI_REDIS_URL="redis://127.0.0.1:6379/1") == "RedisCache"
    assert backend(GONGHUI_CACHE_URL="redis://127.0.0.1:6379/2") == "RedisCache"


# --- coverage: a form added later must choose its limits ------------------------------------------------------

# Every portal route, by what it does with a POST. A new route fails the test until it is put in one of the two.
PORTAL_LIMITED = {"portal:login", "portal:sms-code", "portal:join", "portal:join-code", "portal:join-withdraw",
                  "portal:transfer", "portal:transfer-cancel"}
PORTAL_UNLIMITED = {"portal:home", "portal:me", "portal:card", "portal:logout", "portal:join-employers",
                    "portal:join-divisions", "portal:join-status"}
# API writes left unlimited on purpose: decisions of signed-in cadres on rows of their own subtree (each audited),
# and the public e-card check, which writes nothing.
API_UNLIMITED = {"org_create", "org_update", "transfer_accept", "transfer_decline", "join_approve",
                 "join_reject", "join_approve_bulk", "card_verify"}


def test_every_portal_form_is_rate_limited():
    from django.urls import get_resolver, resolve

    _prefix, resolver = get_resolver().namespace_dict["portal"]
    names = {f"portal:{key}" for key in resolver.reverse_dict if isinstance(key, str)}
    assert names == PORTAL_LIMITED | PORTAL_UNLIMITED

    for name in PORTAL_LIMITED | {"console:login", "console:password-change"}:
        kwargs = {"pk": 1} if name.endswith(("withdraw", "cancel")) else {}
        assert getattr(resolve(reverse(name, kwargs=kwargs)).func, "rate_limits", None), name


def test_every_api_write_but_cadre_decisions_is_rate_limited():
    from gonghui.api.urls import api

    writes = {operation.url_name: operation for _prefix, router in api._routers
              for view in router.path_operations.values() for operation in view.operations
              if set(operation.methods) - {"GET", "HEAD", "OPTIONS"}}
    limited = {name for name, operation in writes.items() if operation.throttle_objects}

    assert limited == set(writes) - API_UNLIMITED
    assert {"join_sms_code", "join_apply", "join_withdraw", "transfer_request", "transfer_cancel"} <= limited
