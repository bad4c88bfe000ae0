"""新建干部账号 (console.views.account_create): what the security administrator types. The password rules and the
uniqueness of the username are the service's (accounts.services.cadre_create); this form checks the shape only."""
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from gonghui.console.views.duties import GRANTABLE
from gonghui.orgs.models import Org

USERNAME_MIN, USERNAME_MAX = 3, 30


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), min_length=USERNAME_MIN, max_length=USERNAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        # Letters, digits and . _ - only: typed at every sign-in, read aloud over the phone, never a phone number
        # (a worker's account is their phone: accounts.models.User).
        validators=[RegexValidator(r"^[A-Za-z][A-Za-z0-9._-]*\Z",
                                   _("用户名须以英文字母开头，只能包含英文字母、数字和 . _ -"))],
        error_messages={"required": _("请填写用户名"),
                        "min_length": _("用户名至少%(n)d个字符") % {"n": USERNAME_MIN},
                        "max_length": _("用户名不能超过%(n)d个字符") % {"n": USERNAME_MAX}})
    display_name = forms.CharField(
        label=_("姓名"), max_length=50,
        error_messages={"required": _("请填写姓名"), "max_length": _("姓名不能超过50个字")})
    password1 = forms.CharField(
        label=_("初始密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请设置初始密码")})
    password2 = forms.CharField(
        label=_("再次输入初始密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入初始密码")})
    org_code = forms.CharField(label=_("授予角色的组织代码（可不填）"), required=False, max_length=32)
    kind = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[("", _("暂不授予角色"))] + [(k.value, k.label) for k in GRANTABLE],
                             error_messages={"invalid_choice": _("请选择要授予的角色")})

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的初始密码不一致"))
        code, kind = (cleaned.get("org_code") or "").strip(), cleaned.get("kind") or ""
        if kind and not code:
            self.add_error("org_code", _("请填写授予角色的组织代码"))
        elif code and not kind:
            self.add_error("kind", _("请选择要授予的角色"))
        elif code:
            cleaned["org"] = Org.objects.filter(code=code).first()
            if cleaned["org"] is None:
                self.add_error("org_code", _("没有这个组织代码的工会"))
        return cleaned

    # Keys of the services' ValidationError → the field the message is shown next to.
    SERVICE_FIELDS = {"username": "username", "password": "password1", "kind": "kind", "user": None}

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            self.add_error(self.SERVICE_FIELDS.get(key), messages)
