from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins from one username+IP pair."""
    message = _("登录失败次数过多，该账号在此地址已被暂时锁定，请稍后再试或联系上级工会。")
    return render(request, "accounts/locked_out.html", {"message": message}, status=403)
