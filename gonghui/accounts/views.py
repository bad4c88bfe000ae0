from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.accounts.models import phone_index
from gonghui.core.phone import InvalidPhone, normalize_phone


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins from one username+IP pair."""
    message = _("登录失败次数过多，该账号在此地址已被暂时锁定，请稍后再试或联系上级工会。")
    portal = request.path.startswith(reverse("portal:home"))
    back_url = reverse("portal:home") if portal else reverse("console:login")
    return render(request, "accounts/locked_out.html", {"message": message, "back_url": back_url}, status=403)


def axes_username(request, credentials=None) -> str | None:
    """What django-axes pairs with the client address: a cadre's username, or a worker's phone.

    Without this a worker's SMS sign-in has no username, so five wrong codes would lock every worker behind
    the same factory or campus address. The phone is kept as its blind index, never in clear: axes stores
    this value in its own table.
    """
    data = credentials if credentials is not None else getattr(request, "POST", {})
    if data.get("username"):
        return data["username"]
    if data.get("phone"):
        try:
            return "phone:" + phone_index(normalize_phone(data["phone"]))
        except InvalidPhone:
            return "phone:invalid"
    return None
