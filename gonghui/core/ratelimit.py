"""Rate limits (OWASP ASVS 2.4.1, 6.1.1): past a count per window, HTTP 429 with a Chinese message.

Limits are named `<what>_<counted by>` in settings.GONGHUI_RATE_LIMITS ("30/m", "5/h", "100/10m"; "0" is no
limit), overridable from the environment (GONGHUI_RATE_LIMITS="join_ip=600/m"). The suffix says what is counted:

    ip        the client address (gonghui.core.middleware.client_address: the proxy's entry behind one)
    user      the signed-in account (a session, or an API token: ApiTokenAuth sets request.user)
    username  the username a console sign-in form names
    phone     the phone a form or a JSON body names

Pages: `@rate_limit("sms_ip", "sms_phone")` on a view counts its POSTs and answers an HTML page (templates/429.html).
API: `throttle=api_limits("join_ip", "join_user")` on a ninja operation: ninja runs throttles after authentication
and before the body is validated or an Idempotency-Key is claimed, so a refused call writes nothing and a retry
with the same key is not answered from a stored 429; gonghui.api.errors words the JSON `{"detail": ...}`.

Fixed windows: one counter per (limit, identity, window) in Django's cache, incremented atomically (Redis INCR;
the local-memory cache takes a lock). A burst across a window's edge may reach twice the count; a sliding log
(ninja's and DRF's throttles keep a list of timestamps per client) would cost a read and a rewrite of that list
on every request, which the join bench's hundreds of requests a second from one address cannot afford.
Identities are keyed hashes: a Redis holding the counters holds no phone number or address.
"""
import hashlib
import json
import math
import re
import time
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.throttling import BaseThrottle

from gonghui.core.middleware import client_address

_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d*)\s*([smhd]))?\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@lru_cache(maxsize=128)
def parse_rate(text: str) -> tuple[int, int] | None:
    """"30/m" → (30, 60), "5/10m" → (5, 600), "0" → None (no limit)."""
    match = _RATE.match(str(text))
    if match is None:
        raise ImproperlyConfigured(f"rate limit {text!r}: expected COUNT/PERIOD such as 30/m, 5/h or 100/10m")
    count, multiple, unit = match.groups()
    if int(count) == 0:
        return None
    if unit is None:
        raise ImproperlyConfigured(f"rate limit {text!r}: a period (s, m, h, d) must follow the count")
    return int(count), int(multiple or 1) * _UNIT[unit]


def _rate(name: str, limits: dict | None = None) -> tuple[int, int] | None:
    try:
        return parse_rate((limits if limits is not None else settings.GONGHUI_RATE_LIMITS)[name])
    except KeyError:
        raise ImproperlyConfigured(f"no rate limit named {name!r} in GONGHUI_RATE_LIMITS") from None


@lru_cache(maxsize=1)
def _hash_key(secret: str) -> bytes:
    return hashlib.sha256(b"gonghui.core.ratelimit\x00" + secret.encode()).digest()


def _digest(identity: str) -> str:
    return hashlib.blake2b(identity.encode(), key=_hash_key(settings.SECRET_KEY), digest_size=12).hexdigest()


# --- who is counted -----------------------------------------------------------------------------------------


def _by_ip(request) -> str | None:
    return client_address(request)


def _by_user(request) -> str | None:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    pk = getattr(user, "pk", None)
    return str(pk) if pk is not None else None


def _by_username(request) -> str | None:
    value = request.POST.get("username", "").strip().lower()
    return value or None


def _by_phone(request) -> str | None:
    value = request.POST.get("phone") if request.content_type != "application/json" else _json_field(request, "phone")
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits[-11:] or None  # +86 138… and 138… are one phone


def _json_field(request, field: str):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body.get(field) if isinstance(body, dict) else None


_IDENTITY = {"ip": _by_ip, "user": _by_user, "username": _by_username, "phone": _by_phone}


def _identity_of(name: str):
    try:
        return _IDENTITY[name.rsplit("_", 1)[1]]
    except (IndexError, KeyError):
        raise ImproperlyConfigured(f"rate limit {name!r} must end in _{', _'.join(_IDENTITY)}") from None


# --- counting -------------------------------------------------------------------------------------------------


def hit(name: str, request) -> float | None:
    """Count one request against limit `name`; the seconds to wait when it is over the count, else None."""
    return check(request, (name,))


def check(request, names) -> float | None:
    """Count the request against every limit named (each counts, even once one is over); the longest wait.

    Settings, the cache and the clock are read once per call: on the join bench's path every microsecond shows.
    """
    limits, backend, now = settings.GONGHUI_RATE_LIMITS, caches["default"], time.time()
    longest = None
    for name in names:
        rate = _rate(name, limits)
        if rate is None:
            continue
        identity = _identity_of(name)(request)
        if identity is None:
            continue
        count, period = rate
        window = int(now // period)
        if _incr(backend, f"rl:{name}:{_digest(identity)}:{window}", period) > count:
            wait = period - (now - window * period)
            longest = wait if longest is None else max(longest, wait)
    return longest


def _incr(backend, key: str, period: int) -> int:
    # The counter outlives its window by a second, so a late increment never re-creates an expired key.
    try:
        return backend.incr(key)
    except ValueError:  # no counter yet in this window
        if backend.add(key, 1, period + 1):
            return 1
        return backend.incr(key)  # another request made it between the two calls


def _message(wait: float) -> str:
    return _("操作过于频繁，请%(n)d秒后再试") % {"n": max(1, math.ceil(wait))}


# --- pages ----------------------------------------------------------------------------------------------------


def rate_limit(*names: str, methods: tuple[str, ...] = ("POST",)):
    """Decorate a page view: its `methods` requests count against each named limit; past one, 429."""
    for name in names:
        _identity_of(name)  # a misspelt name fails at import, not at the first request

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = check(request, names)
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        wrapper.rate_limits = names  # read by the test that every form of the portal is limited
        return wrapper

    return decorate


def too_many_requests(request, wait: float):
    response = render(request, "429.html", {"message": _message(wait)}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


# --- the API (django-ninja) -------------------------------------------------------------------------------------


class ApiLimit(BaseThrottle):
    """One named limit as a ninja throttle. Shared by every thread: it keeps no state between calls."""

    def __init__(self, name: str):
        _identity_of(name)
        self.name = name

    def allow_request(self, request) -> bool:
        return hit(self.name, request) is None

    def wait(self) -> float | None:
        rate = _rate(self.name)
        if rate is None:
            return None
        period = rate[1]
        return period - time.time() % period


def api_limits(*names: str) -> list[ApiLimit]:
    return [ApiLimit(name) for name in names]


def api_message(wait: float | None) -> str:
    """The Chinese `detail` of an API 429 (gonghui.api.errors)."""
    return _message(wait or 1)
