"""Django's admin, for system administrators only, and only after TOTP.

Installed as the default admin site (gonghui.console.apps.GonghuiAdminConfig in INSTALLED_APPS), so every `admin.register`
lands here. Signing in goes through the console's sign-in page, which applies django-axes and sends a system
administrator through TOTP enrolment or verification; the admin has no password form of its own.
"""
from functools import update_wrapper
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
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

    def admin_view(self, view, cacheable=False):
        """A signed-in account the admin is not for is answered here (403, or TOTP for an administrator not past
        it), not sent to the admin's sign-in URL: from there the console's sign-in would let it straight back."""
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if (request.user.is_authenticated and not self.has_permission(request)
                    and request.path != reverse("admin:logout", current_app=self.name)):
                return self._refused(request, request.get_full_path())
            return inner(request, *args, **kwargs)

        return update_wrapper(never_cache(wrapper), view)

    def login(self, request, extra_context=None):
        """The admin has no password form: the anonymous sign in on the console's page (axes, then TOTP)."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get("next") or index
        if not request.user.is_authenticated:
            return redirect(f"{reverse('console:login')}?{urlencode({'next': next_url})}")
        if self.has_permission(request):
            return redirect(index)
        return self._refused(request, next_url)

    def _refused(self, request, next_url: str):
        from gonghui.console.decorators import forbidden, second_factor_redirect  # console imports this module

        user = request.user
        if (getattr(user, "duty", "") or user.is_staff) and not user.is_verified():
            # An administrator signed in but not past TOTP: the second factor, not a password form they passed.
            return second_factor_redirect(request, next_url)
        # Past TOTP but not the system administrator (the security or audit administrator), a business cadre or
        # a worker: 403 with the reason and the way to the account's own pages.
        return forbidden(request, admin_area=True)
