"""Absolute session lifetime; the idle timeout is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST."""
import time

from django.conf import settings
from django.contrib.auth import logout

_STARTED = "gonghui_session_started"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(_STARTED)
            now = time.time()
            if started is None:
                request.session[_STARTED] = now
            elif now - started > settings.GONGHUI_SESSION_MAX_AGE.total_seconds():
                logout(request)
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """dengbao profile (GB/T 22239-2019 8.1.4.1 a, 定期更换): an account whose password is older than
    GONGHUI_PASSWORD_MAX_AGE_DAYS is sent from every console and admin page to 修改密码. That page, sign-out and
    the TOTP steps (an administrator proves the second factor before changing a password) stay reachable.

    Only paths under the console and the admin are looked at, so the API and the portal pay one string
    comparison; the check itself reads the user row the request loaded anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def _guarded_and_open(self):
        if self._paths is None:
            from django.urls import reverse

            guarded = (reverse("console:home"), reverse("admin:index"))
            open_names = ("console:password-change", "console:logout", "console:login", "console:totp-setup",
                          "console:totp-verify", "admin:logout")
            self._paths = guarded, frozenset(reverse(name) for name in open_names)
        return self._paths

    def __call__(self, request):
        guarded, open_paths = self._guarded_and_open()
        path = request.path_info
        if path.startswith(guarded) and path not in open_paths and request.user.is_authenticated:
            from gonghui.accounts.passwords import password_expired

            if password_expired(request.user):
                from urllib.parse import urlencode

                from django.shortcuts import redirect
                from django.urls import reverse

                return redirect(f"{reverse('console:password-change')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
