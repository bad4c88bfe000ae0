"""Who may use the console: cadres, and system administrators only after their second factor."""
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import user_has_device


def cadre_required(view=None, *, second_factor: bool = True):
    """Anonymous → the sign-in page; signed in without a role (a worker) → 403; a system administrator who
    has not passed TOTP in this session → enrolment or the code page. What a cadre may see is the selectors'
    business (scope), not this decorator's.

    `second_factor=False` is for the TOTP pages themselves.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            if not user.is_cadre:
                return render(request, "console/forbidden.html", status=403)
            if second_factor and user.is_sysadmin and not user.is_verified():
                return second_factor_redirect(request, request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def second_factor_redirect(request, next_url: str):
    step = "console:totp-verify" if user_has_device(request.user, confirmed=True) else "console:totp-setup"
    return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
