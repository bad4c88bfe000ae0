"""Reads every request makes: the caller behind an API token, and a user's roles (the scope).

Both are compiled to SQL once per process (core.prepared): they run on every API call and every console
page, where building the SQL used to cost more than running it (bench/join.py).
"""
import time
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from gonghui.accounts.choices import DUTIES
from gonghui.accounts.models import ApiToken, PrivacyNotice, Role, SmsCode, User
from gonghui.core.prepared import PreparedQuery, model_fields
from gonghui.orgs.models import Org

# Everything of the user but the password hash, which no request after sign-in needs.
_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields if f.attname != "password")
_TOKEN_FIELDS = ("id", "revoked", "expires_at", "last_used_at")
_ROLE_FIELDS = model_fields(Role, ("id", "kind", "user_id", "org_id"))
# The org columns that scope and the console's header use.
_ROLE_ORG_FIELDS = model_fields(Org, ("id", "name", "path", "kind", "level", "status"))

# Whether the token's user holds any administrator duty role (三员), read with the token: ApiTokenAuth refuses a
# duty holder, and asking `User.duty` would cost a worker's every API call a second query (the roles) that
# nothing else on a worker's path needs. Without such a role `User.duty` is "" and is filled in; with one it is
# left to `User.duty` itself (which also asks whether the role's org is active): a rare, administrator's path.
_HOLDS_DUTY_ROLE = Exists(Role.objects.filter(user_id=OuterRef("user_id"), kind__in=sorted(DUTIES)))
_TOKEN = PreparedQuery(
    lambda p: ApiToken.objects.filter(token_hash=p.token_hash).annotate(holds_duty_role=_HOLDS_DUTY_ROLE)
    .values_list(*_TOKEN_FIELDS, *(f"user__{name}" for name in _USER_FIELDS), "holds_duty_role"),
    strings=("token_hash",))
_ROLES = PreparedQuery(
    lambda p: Role.objects.filter(user_id=p.user_id, org__status="active").order_by("pk").values_list(
        *_ROLE_FIELDS, *(f"org__{name}" for name in _ROLE_ORG_FIELDS)))


@dataclass(frozen=True)
class TokenRow:
    id: int
    revoked: bool
    expires_at: datetime | None
    last_used_at: datetime | None


def token_with_user(token_hash: str) -> tuple[TokenRow, User] | None:
    rows = _TOKEN.rows(token_hash=token_hash)
    if not rows:
        return None
    row, split = rows[0], len(_TOKEN_FIELDS)
    user = User.from_db("default", _USER_FIELDS, row[split:-1])
    if not row[-1]:
        user.__dict__["duty"] = ""  # fills the cached_property User.duty (see _HOLDS_DUTY_ROLE)
    return TokenRow(*row[:split]), user


def roles_of(user_id: int) -> list[Role]:
    """The user's roles on active orgs, each with its org's scoping columns loaded."""
    roles = []
    split = len(_ROLE_FIELDS)
    for row in _ROLES.rows(user_id=user_id):
        role = Role.from_db("default", _ROLE_FIELDS, row[:split])
        role.org = Org.from_db("default", _ROLE_ORG_FIELDS, row[split:])
        roles.append(role)
    return roles


_NOTICE_FIELDS = model_fields(PrivacyNotice, ("id", "purpose", "version"))
_NOTICE = PreparedQuery(
    lambda p: PrivacyNotice.objects.filter(purpose=p.purpose).order_by("-published_at", "-pk")
    .values_list(*_NOTICE_FIELDS)[:1], strings=("purpose",))


# The newest notice per purpose, as last read by this process: (when read, the row). A join application
# reads it on every request; a new notice version is rare (a changed text), so the join accepts the version a
# process read up to NOTICE_MAX_AGE seconds ago (docs/architecture.md, "Request cost"). Never stale the other
# way: a caller that finds the submitted version differs asks again with max_age=0.
NOTICE_MAX_AGE = 60.0
_NOTICE_READ: dict[str, tuple[float, tuple]] = {}


def notice_newest(purpose: str, *, max_age: float = 0) -> PrivacyNotice | None:
    """The newest notice of a purpose, its id and version only (the text is read when it is shown).

    `max_age` > 0 accepts this process's last reading if it is no older (seconds)."""
    now = time.monotonic()
    cached = _NOTICE_READ.get(purpose) if max_age > 0 else None
    if cached is not None and now - cached[0] <= max_age:
        row = cached[1]
    else:
        rows = _NOTICE.rows(purpose=purpose)
        if not rows:
            return None
        row = rows[0]
        _NOTICE_READ[purpose] = (now, row)
    return PrivacyNotice.from_db("default", _NOTICE_FIELDS, row)


def notice_cache_clear() -> None:
    """Forget the notices read (tests: a rolled-back test's notice must not outlive it)."""
    _NOTICE_READ.clear()


_SMS_FIELDS = model_fields(SmsCode, ("id", "code_hash", "expires_at", "attempts", "used_at"))
# Only the newest code counts; locked until the verifying transaction ends (no-op on SQLite, whose writer
# lock already serialises it).
_SMS_NEWEST = PreparedQuery(
    lambda p: SmsCode.objects.select_for_update().filter(phone_hash=p.phone_hash, purpose=p.purpose)
    .order_by("-created_at", "-pk").values_list(*_SMS_FIELDS)[:1], strings=("phone_hash", "purpose"))


def sms_code_newest_locked(phone_hash: str, purpose: str) -> SmsCode | None:
    """Must run inside a transaction."""
    rows = _SMS_NEWEST.rows(phone_hash=phone_hash, purpose=purpose)
    return SmsCode.from_db("default", _SMS_FIELDS, rows[0]) if rows else None
