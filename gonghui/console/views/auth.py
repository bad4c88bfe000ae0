"""Signing in and out of the console; TOTP enrolment and verification for system administrators."""
from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.conf import settings
from django.contrib.auth import login as auth_login, logout as auth_logout, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login, user_has_device

from gonghui.accounts.forms import CadreLoginForm, PasswordChangeForm, TotpForm
from gonghui.accounts.passwords import ProfileValidator, password_expired
from gonghui.accounts.services import password_change as password_change_service
from gonghui.accounts.services import totp_device_confirm, totp_device_start
from gonghui.console.decorators import cadre_required, second_factor_redirect
from gonghui.console.navigation import safe_next
from gonghui.core.ratelimit import rate_limit
from gonghui.console.views.duties import duty_home


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit("sign_in_ip", "sign_in_username")
def login(request):
    next_url = safe_next(request)
    form = CadreLoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        if user.duty:
            # Every administrator (三员) passes TOTP, then lands on its duty's page (it has no business pages).
            if next_url == reverse("console:home"):
                next_url = duty_home(user)
            return second_factor_redirect(request, next_url)
        return redirect(next_url)
    return render(request, "console/login.html", {"form": form, "next": next_url})


@require_POST
def logout(request):
    auth_logout(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("console:login")


@sensitive_post_parameters("token")
@never_cache
@cadre_required(second_factor=False)
def totp_setup(request):
    next_url = safe_next(request)
    if user_has_device(request.user, confirmed=True):
        return second_factor_redirect(request, next_url)
    device = totp_device_start(user=request.user)
    form = TotpForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc.message_dict["token"])
        else:
            otp_login(request, device)
            return redirect(next_url)
    context = {"form": form, "next": next_url, "qr_svg": _qr_svg(device.config_url), "secret": _grouped(device)}
    return render(request, "console/totp_setup.html", context)


@sensitive_post_parameters("token")
@never_cache
@cadre_required(second_factor=False)
def totp_verify(request):
    next_url = safe_next(request)
    if not user_has_device(request.user, confirmed=True):
        return second_factor_redirect(request, next_url)
    form = TotpForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.verify():
        otp_login(request, form.device)
        return redirect(next_url)
    return render(request, "console/totp_verify.html", {"form": form, "next": next_url})


def _qr_svg(data: str) -> str:
    """The enrolment QR code drawn on the server: the secret never leaves for an outside QR service."""
    buffer = BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def _grouped(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i: i + 4] for i in range(0, len(secret), 4))


# --- 修改密码 ------------------------------------------------------------------------------------------------


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit("apply_user")  # a stolen session must not try old passwords at speed
def password_change(request):
    """Any account with a password; the one place an expired password (dengbao) still leads to
    (accounts.middleware.PasswordExpiryMiddleware). An administrator proves the second factor first: a
    password alone must not replace the password of an account that needs two factors."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("console:login"))
    if not user.has_usable_password():
        return render(request, "console/forbidden.html", status=403)
    if _needs_second_factor(user) and not user.is_verified():
        return second_factor_redirect(request, request.get_full_path())
    next_url = safe_next(request)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            password_change_service(user=user, old_password=form.cleaned_data["old_password"],
                                    new_password=form.cleaned_data["new_password1"], actor=user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            update_session_auth_hash(request, user)  # this session goes on; every other one of the account ends
            messages.success(request, _("密码已修改。"))
            return redirect(next_url)
    context = {"form": form, "next": next_url, "expired": password_expired(user),
               "initial": user.password_changed_at is None,  # an initial password (cadre_create), first sign-in
               "max_age_days": settings.GONGHUI_PASSWORD_MAX_AGE_DAYS,
               "help_text": _("密码要求：%(rules)s。") % {"rules": ProfileValidator().get_help_text()}}
    return render(request, "console/password_change.html", context, status=422 if form.errors else 200)


def _needs_second_factor(user) -> bool:
    return bool(getattr(user, "duty", "")) or user.is_staff or user.is_superuser

