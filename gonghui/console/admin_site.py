"""Django's admin, for system administrators only, and only after TOTP.

Installed as the default admin site (gonghui.console.apps.GonghuiAdminConfig in INSTALLED_APPS), so every `admin.register`
lands here. Signing in goes through the console's sign-in page, which applies django-axes and sends a system
administrator through TOTP enrolment or verification; the admin has no password form of its own.
"""
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class GonghuiAdminSite(OTPAdminSite):
    site_header = _("工会工作平台 · 系统管理")
    site_title = _("系统管理")
    index_title = _("系统管理")

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "is_sysadmin", False) and user.is_verified()
        )

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_authenticated and (getattr(user, "duty", "") or user.is_staff) and not user.is_verified():
            # An administrator signed in but not past TOTP: the second factor, not a password form they passed.
            from gonghui.console.decorators import second_factor_redirect

            return second_factor_redirect(request, next_url)
        return redirect(f"{reverse('console:login')}?{urlencode({'next': next_url})}")

