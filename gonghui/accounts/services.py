"""Writes to accounts: cadres, roles, API tokens, worker sign-in codes."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.choices import DUTIES, RoleKind
from gonghui.accounts.duties import duty_conflict, is_security_admin, may_grant_duty
from gonghui.accounts.models import ApiToken, Consent, PrivacyNotice, Role, SmsCode, User, phone_index
from gonghui.accounts.selectors import sms_code_newest_locked
from gonghui.core import audit, crypto
from gonghui.core.context import client_ip
from gonghui.core.phone import InvalidPhone, normalize_phone
from gonghui.core.prepared import insert, update_fields
from gonghui.core.sms import send_sms
from gonghui.orgs.permissions import can_manage_org

SMS_RESEND_SECONDS = 60


def _may_grant(actor, org) -> bool:
    return (actor is None or getattr(actor, "is_superuser", False) or is_security_admin(actor)
            or can_manage_org(actor, org))


def _is_administrator(actor) -> bool:
    # Accounts are the security administrator's duty (三员, gonghui.accounts.duties), not the system administrator's.
    return actor is None or getattr(actor, "is_superuser", False) or is_security_admin(actor)


def _may_create_accounts(actor) -> bool:
    # A cadre who manages some subtree may open accounts (and then grant roles there); a worker may not.
    return _is_administrator(actor) or bool(getattr(actor, "managing_paths", []))


@transaction.atomic
def cadre_create(*, username: str, password: str, display_name: str, actor,
                 initial_password: bool = False) -> User:
    """A cadre account; it can do nothing until role_grant gives it a role on an org.

    `initial_password`: the password was chosen by someone else (the security administrator's console page), so
    the holder must replace it at first sign-in: password_changed_at stays empty, which
    accounts.passwords.password_expired reads as expired under every profile (PasswordExpiryMiddleware)."""
    if not _may_create_accounts(actor):
        raise PermissionDenied(_("无权创建干部账号"))
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名已被使用")})
    user = User(username=username, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    if initial_password:
        user.password_changed_at = None
    user.save()
    audit.record(actor=actor, action="user.create", obj=user,
                 after={"username": username, **({"initial_password": True} if initial_password else {})})
    return user


@transaction.atomic
def role_grant(*, user: User, org, kind: str, actor) -> Role:
    if not _may_grant(actor, org):
        raise PermissionDenied(_("无权在该工会授予角色"))
    if kind in DUTIES and not may_grant_duty(actor):
        raise PermissionDenied(_("只有超级管理员可以授予系统管理员、安全管理员、审计管理员角色"))
    if not user.has_usable_password():
        # A worker account signs in with an SMS code alone; with a role it would open the console without
        # the cadre's password (and a system administrator's TOTP). Cadres get accounts of their own.
        raise ValidationError({"user": _("职工手机号账号不能授予干部角色，请为其创建干部账号")})
    conflict = duty_conflict(user, kind)
    if conflict:
        raise ValidationError({"kind": conflict})
    role, _created = Role.objects.get_or_create(user=user, org=org, kind=kind)
    if kind == RoleKind.SYSADMIN and not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
    audit.record(actor=actor, action="role.grant", obj=role, org_path=org.path,
                 after={"user": user.username, "org": org.pk, "kind": kind})
    return role


@transaction.atomic
def role_revoke(*, role: Role, actor) -> None:
    if not _may_grant(actor, role.org) or (role.kind in DUTIES and not may_grant_duty(actor)):
        raise PermissionDenied(_("无权撤销该角色"))
    audit.record(actor=actor, action="role.revoke", obj=role, org_path=role.org.path,
                 before={"user": role.user.username, "org": role.org_id, "kind": role.kind})
    role.delete()


@transaction.atomic
def api_token_create(*, user: User, name: str, actor, days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a token; the plaintext is returned once and never stored.

    Only for oneself or by an administrator: a token acts with all of its user's roles.
    """
    # Not even the security administrator: a token for a chair would let its maker read the chair's members.
    if not (actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "pk", None) == user.pk):
        raise PermissionDenied(_("只能为自己创建API令牌"))
    plaintext = "gh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plaintext[:8], token_hash=token_hash(plaintext),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit.record(actor=actor, action="api_token.create", obj=token, after={"user": user.username, "name": name})
    return token, plaintext


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _code_hash(phone: str, code: str) -> str:
    return crypto.blind_index(f"{phone}:{code}", purpose="sms_code")


@transaction.atomic
def sms_code_send(*, phone: str, purpose: str = "login") -> None:
    """Send a 6-digit code. One code per number per minute; the SMS leaves after commit."""
    try:
        phone = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ValidationError({"phone": exc.message}) from None
    index = phone_index(phone)
    now = timezone.now()
    recent = SmsCode.objects.filter(phone_hash=index, purpose=purpose,
                                    created_at__gt=now - timedelta(seconds=SMS_RESEND_SECONDS))
    if recent.exists():
        raise ValidationError({"phone": _("验证码发送过于频繁，请%(s)d秒后再试") % {"s": SMS_RESEND_SECONDS}})
    code = f"{secrets.randbelow(10**6):06d}"
    SmsCode.objects.create(phone_hash=index, code_hash=_code_hash(phone, code), purpose=purpose,
                           expires_at=now + settings.GONGHUI_SMS_CODE_TTL)
    minutes = int(settings.GONGHUI_SMS_CODE_TTL.total_seconds() // 60)
    text = _("【工会】您的验证码是%(code)s，%(m)d分钟内有效。请勿告诉他人。") % {"code": code, "m": minutes}
    transaction.on_commit(lambda: send_sms(phone, text))


def sms_code_verify(*, phone: str, code: str, purpose: str = "login") -> None:
    """Consume the newest code for the number, or raise ValidationError naming why it is refused.

    A wrong guess is counted and committed before the refusal is raised, so five guesses end the code.
    """
    try:
        phone = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ValidationError({"phone": exc.message}) from None
    error = None
    # No savepoint when a caller's transaction holds this (the join application's): nothing in here raises
    # but a database error, which must undo the caller's work anyway; and a savepoint is two round trips.
    with transaction.atomic(savepoint=False):
        # The right code, in time, is used by one UPDATE (one round trip, not a locked read and a write); any
        # other answer is found and counted below.
        if _sms_code_use(phone_index(phone), purpose, _code_hash(phone, code.strip())):
            return
        # Only the newest code counts: once a newer one is sent (or the newest is used), older codes still
        # inside their five minutes must not work.
        sms = sms_code_newest_locked(phone_index(phone), purpose)
        if sms is None or sms.used_at is not None:
            error = _("请先获取短信验证码")
        elif sms.expires_at < timezone.now():
            error = _("短信验证码已过期，请重新获取")
        elif sms.attempts >= settings.GONGHUI_SMS_CODE_ATTEMPTS:
            error = _("验证码错误次数过多，请重新获取")
        elif not hmac.compare_digest(sms.code_hash, _code_hash(phone, code.strip())):
            sms.attempts += 1
            update_fields(sms, "attempts")
            error = _("短信验证码不正确")
        else:
            sms.used_at = timezone.now()
            update_fields(sms, "used_at")
    if error:
        raise ValidationError({"code": error})


_SMS_USE: dict[str, tuple[str, list]] = {}


def _sms_code_use(phone_hash: str, purpose: str, code_hash: str) -> bool:
    """Mark the newest code of the number used if it is unused, unexpired, not out of attempts and `code_hash`
    is its hash; True when it was. One statement, built once per database vendor (bench/join.py).

    The UPDATE locks the row it changes and re-checks the conditions once a concurrent user of the same code
    has committed, so of two requests with one code only one gets True (as with the locked read it replaces).
    The hash is compared by the database, not in constant time: it is a keyed hash of the code, so how much of
    it matched tells a guesser nothing."""
    connection = transaction.get_connection()
    if connection.vendor not in _SMS_USE:
        meta, q = SmsCode._meta, connection.ops.quote_name
        table, column = q(meta.db_table), lambda name: q(meta.get_field(name).column)
        newest = (f"SELECT {column('id')} FROM {table} WHERE {column('phone_hash')} = %s AND {column('purpose')} = %s "
                  f"ORDER BY {column('created_at')} DESC, {column('id')} DESC LIMIT 1")
        sql = (f"UPDATE {table} SET {column('used_at')} = %s WHERE {column('id')} = ({newest}) "
               f"AND {column('used_at')} IS NULL AND {column('expires_at')} >= %s AND {column('attempts')} < %s "
               f"AND {column('code_hash')} = %s")
        _SMS_USE[connection.vendor] = (sql, [meta.get_field("used_at"), meta.get_field("expires_at")])
    sql, (used_at, expires_at) = _SMS_USE[connection.vendor]
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [used_at.get_db_prep_save(now, connection), phone_hash, purpose,
                             expires_at.get_db_prep_save(now, connection), settings.GONGHUI_SMS_CODE_ATTEMPTS,
                             code_hash])
        return cursor.rowcount == 1


def consent_give(*, user: User, notice: PrivacyNotice, ip: str | None = None) -> Consent:
    """Record a person's separate consent to one notice version (PIPL art. 14, 29), with when and from where.

    The Consent row is itself the proof of consent, so no audit event repeats it; the service that asked
    for the consent (a join application) records its own event pointing at it.
    """
    return insert(Consent(user=user, notice=notice, ip=ip or client_ip.get()))


def worker_for_phone(*, phone: str) -> User:
    """The worker account of a verified phone number, made on first sign-in."""
    phone = normalize_phone(phone)
    user = User.objects.filter(phone_hash=phone_index(phone)).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(username=f"w{secrets.token_hex(8)}")
            user.set_unusable_password()
            user.set_phone(phone)
            user.save()
            audit.record(actor=user, action="user.worker_signup", obj=user, after={"phone": user.phone_masked})
    except IntegrityError:
        # Two first sign-ins of one number at once: the unique phone index let one win; use its account.
        return User.objects.get(phone_hash=phone_index(phone))
    return user


def totp_device_start(*, user: User):
    """The authenticator a system administrator is enrolling: made unconfirmed once, reused until confirmed.

    Refused once a confirmed device exists, so a stolen password cannot enrol a second authenticator.
    """
    from django_otp import user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if user_has_device(user, confirmed=True):
        raise PermissionDenied(_("已绑定身份验证器"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)


def totp_device_confirm(*, user: User, token: str):
    """Confirm the pending authenticator with a code it shows, or raise ValidationError.

    A wrong code is counted (django-otp throttles the device) and committed before the refusal is raised.
    """
    from django_otp import user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    error = None
    with transaction.atomic():
        if user_has_device(user, confirmed=True):
            raise PermissionDenied(_("已绑定身份验证器"))
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            error = _("请先扫描二维码")
        elif not device.verify_token(token.strip()):
            error = _("动态验证码不正确")
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(actor=user, action="otp.confirm", obj=device, after={"user": user.username})
    if error:
        raise ValidationError({"token": error})
    return device


# --- passwords and disabling (issue 6: sign-in and sessions) ---------------------------------------------


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, actor) -> None:
    """修改密码: the old password proves it is the account's holder; the new one must pass the profile's rules
    (gonghui.accounts.passwords). Every other session of the account ends: Django's session hash covers the
    password hash (the page that called this keeps its own session with update_session_auth_hash)."""
    if getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("只能修改自己的密码"))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("新密码不能与原密码相同")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    audit.record(actor=actor, action="user.password_change", obj=user, after={"username": user.username})


@transaction.atomic
def user_disable(*, user: User, actor, reason: str = "") -> User:
    """Disable an account at once: it cannot sign in, each session it holds ends on its next request (the
    session epoch is part of the session hash, User.session_epoch), and every API token it has is revoked.

    For whoever manages accounts (_is_administrator: the security administrator under 三员, a superuser, or
    the command line), never on oneself: an administrator who locks themselves out needs another to undo it.
    """
    from django.db.models import F

    if not _is_administrator(actor):
        raise PermissionDenied(_("无权停用账号"))
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError(_("不能停用自己的账号"))
    if user.is_superuser and not (actor is None or getattr(actor, "is_superuser", False)):
        raise PermissionDenied(_("无权停用超级管理员账号"))
    was_active = User.objects.select_for_update().values_list("is_active", flat=True).get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(is_active=False, session_epoch=F("session_epoch") + 1)
    revoked = ApiToken.objects.filter(user_id=user.pk, revoked=False).update(revoked=True)
    audit.record(actor=actor, action="user.disable", obj=user, before={"is_active": was_active},
                 after={"is_active": False, "reason": reason, "api_tokens_revoked": revoked})
    user.refresh_from_db(fields=["is_active", "session_epoch"])
    return user
