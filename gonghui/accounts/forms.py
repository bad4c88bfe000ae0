"""Sign-in forms: cadres (username + password, then TOTP for system administrators), workers (phone + SMS code)."""
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core.phone import InvalidPhone, normalize_phone


class CadreLoginForm(AuthenticationForm):
    """Django's form, so `authenticate` receives the request and django-axes counts the failures.

    One message for every refusal: it must not tell whether the username exists.
    """

    error_messages = {
        "invalid_login": _("用户名或密码不正确"),
        "inactive": _("用户名或密码不正确"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})


class TotpForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("动态验证码"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9]{6}", "autofocus": True}),
        error_messages={"required": _("请输入6位动态验证码"), "min_length": _("请输入6位动态验证码")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def verify(self) -> bool:
        """Check the code against the user's confirmed authenticators (django-otp throttles wrong guesses)."""
        if not self.is_valid():
            return False
        token = self.cleaned_data["token"].strip()
        # Locked so that one code cannot be used twice by two concurrent requests; a wrong guess is counted
        # (django-otp's throttle) and committed with the block.
        with transaction.atomic():
            device = (TOTPDevice.objects.devices_for_user(self.user, confirmed=True)
                      .select_for_update().order_by("pk").first())
            verified = device is not None and device.verify_token(token)
        if verified:
            self.device = device
            return True
        self.add_error("token", _("动态验证码不正确或已过期"))
        return False


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": _("请输入手机号码")}),
        error_messages={"required": _("请输入手机号码")},
    )

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise ValidationError(exc.message, code=exc.code) from None


class SmsLoginForm(PhoneForm):
    """Phone + SMS code, checked by gonghui.accounts.backends.PhoneCodeBackend through `authenticate`."""

    code = forms.CharField(
        label=_("短信验证码"), max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "placeholder": _("6位数字")}),
        error_messages={"required": _("请输入短信验证码")},
    )

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        cleaned = super().clean()
        phone, code = cleaned.get("phone"), cleaned.get("code")
        if phone and code:
            self.user = authenticate(self.request, phone=phone, sms_code=code)
            if self.user is None:
                reason = getattr(self.request, "sms_code_error", None)
                raise ValidationError(reason.messages[0] if reason else _("短信验证码不正确"))
        return cleaned


class PasswordChangeForm(forms.Form):
    """修改密码: the old password and the new one twice. The rules are the service's (accounts.passwords)."""

    old_password = forms.CharField(
        label=_("原密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("请输入原密码")})
    new_password1 = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请输入新密码")})
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入新密码")})

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        fields = {"old_password": "old_password", "new_password": "new_password1"}
        for field, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(fields.get(field), message)
