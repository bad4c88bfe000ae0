from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins from one username+IP pair."""
    message = _("登录失败次数过多，该账号在此地址已被暂时锁定，请稍后再试或联系上级工会。")
    portal = request.path.startswith(reverse("portal:home"))
    back_url = reverse("portal:home") if portal else reverse("console:login")
    return render(request, "accounts/locked_out.html", {"message": message, "back_url": back_url}, status=403)
