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
