"""Users: cadres (password + role on an org) and workers (phone + SMS code)."""
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.choices import DUTIES, MANAGING, SCOPED, RoleKind
from gonghui.core import crypto
from gonghui.core.masking import mask_phone


class User(AbstractUser):
    """Anyone who signs in. A cadre holds Roles; a worker is linked to a Member through Member.user."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_enc = models.BinaryField(_("手机号（密文）"), null=True, blank=True, editable=False)
    phone_hash = models.CharField(_("手机号索引"), max_length=64, null=True, blank=True, unique=True, editable=False)
    # When the password was last set: the dengbao profile sends a cadre to 修改密码 after 90 days
    # (gonghui.accounts.passwords). Set by set_password, whichever door the password came through.
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True, editable=False)
    # Raised by user_disable (and anything else that must end every session of the account at once): part of the
    # session hash below, so each open session fails Django's per-request hash check. Chosen over a table of
    # (user, session key) because that check already runs on every request against the user row it loads:
    # no extra query, no extra write at sign-in, no middleware.
    session_epoch = models.PositiveIntegerField(_("会话代次"), default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc, context=b"phone") if self.phone_enc else ""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def get_session_auth_hash(self) -> str:
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str) -> str:
        if not self.session_epoch:
            # Django's own hash (the password hash, HMAC'd) until the first epoch bump: sessions opened before
            # this field existed stay valid.
            return self._get_session_auth_hash(secret=secret)
        return salted_hmac("gonghui.accounts.User.session", f"{self.password}\x00{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()

    def set_phone(self, phone: str) -> None:
        self.phone_enc = crypto.encrypt(phone, context=b"phone")
        self.phone_hash = phone_index(phone)

    @cached_property
    def active_roles(self) -> list["Role"]:
        from gonghui.accounts.selectors import roles_of  # selectors import this module

        return roles_of(self.pk) if self.pk is not None else []

    @cached_property
    def scope_paths(self) -> list[str]:
        """Path prefixes of every org this user holds a business role on: the subtrees they may see.

        An administrator duty (三员) is held on an org too, but sees none of its rows."""
        return sorted({role.org.path for role in self.active_roles if role.kind in SCOPED})

    @cached_property
    def managing_paths(self) -> list[str]:
        return sorted({role.org.path for role in self.active_roles if role.kind in MANAGING})

    @cached_property
    def is_cadre(self) -> bool:
        return bool(self.active_roles)

    @cached_property
    def duty(self) -> str:
        """The administrator duty (三员) this account holds, or "" (at most one: role_one_duty_per_user)."""
        return next((role.kind for role in self.active_roles if role.kind in DUTIES), "")

    @property
    def is_sysadmin(self) -> bool:
        return self.duty == RoleKind.SYSADMIN


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, purpose="phone")


class Role(models.Model):
    """A cadre's role on one org; it covers that org's whole subtree."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    org = models.ForeignKey("orgs.Org", verbose_name=_("工会组织"), on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(_("角色"), max_length=16, choices=RoleKind.choices)
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("干部角色")
        verbose_name_plural = _("干部角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "kind"], name="role_unique_per_org",
                                    violation_error_message=_("该用户在此工会已有这个角色")),
            # 三员 (GB/T 22239-2019 8.1.4.2 d): no account combines two administrator duties, nor holds one twice.
            models.UniqueConstraint(fields=["user"], condition=models.Q(kind__in=sorted(DUTIES)),
                                    name="role_one_duty_per_user",
                                    violation_error_message=_("系统管理员、安全管理员、审计管理员不得由同一账号兼任")),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_kind_display()}"


class ApiToken(models.Model):
    """A bearer token for apps. Only its hash is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class SmsCode(models.Model):
    """A one-time sign-in code sent by SMS. Stored as a keyed hash; limited in time and attempts."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=16, default="login")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone_hash", "purpose", "-created_at"], name="smscode_lookup_idx")]


class PrivacyNotice(models.Model):
    """A version of the personal-information processing notice (个人信息处理规则) shown before consent."""

    purpose = models.CharField(_("用途"), max_length=32)
    version = models.CharField(_("版本"), max_length=16)
    text = models.TextField(_("告知内容"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息处理告知")
        verbose_name_plural = _("个人信息处理告知")
        constraints = [models.UniqueConstraint(fields=["purpose", "version"], name="notice_unique_version")]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version}"


class Consent(models.Model):
    """A person's separate consent to one notice version (PIPL art. 14, 29: sensitive data needs it separately)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="consents")
    notice = models.ForeignKey(PrivacyNotice, verbose_name=_("告知版本"), on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("同意时间"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息处理同意")
        verbose_name_plural = _("个人信息处理同意")
