"""Who may use the console: cadres on business pages, administrators (三员) on their duty's pages after TOTP."""
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import user_has_device


def cadre_required(view=None, *, second_factor: bool = True):
    """Anonymous → the sign-in page; signed in without a role (a worker) → 403; an administrator (三员), who
    sees no member, → 403 (its pages are duty_required, behind TOTP). What a cadre may see is the selectors'
    business (scope), not this decorator's.

    `second_factor=False` is for the TOTP pages themselves, which administrators use too.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            if not user.is_cadre or (second_factor and user.duty):
                # An administrator (三员) works only on the pages of its duty (duty_required); the TOTP pages
                # (second_factor=False) are for everyone with a role.
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def duty_required(*duties: str):
    """The pages of one administrator duty (三员, gonghui.accounts.duties): any other account gets 403, and
    the holder must have passed TOTP in this session (GB/T 22239-2019 8.1.4.1 d: two factors for
    administrators)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            if user.duty not in duties:
                return forbidden(request)
            if not user.is_verified():
                return second_factor_redirect(request, request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def forbidden(request, *, admin_area: bool = False):
    """403: a worker is sent to the portal; an administrator to the page of its own duty. `admin_area`: refused
    Django's admin (system administrator only), where a business cadre is sent back to the console."""
    duty_home = None
    if getattr(request.user, "duty", ""):
        from gonghui.console.views.duties import duty_home as home_of  # the views import this module

        duty_home = home_of(request.user)
    return render(request, "console/forbidden.html", {"duty_home": duty_home, "admin_area": admin_area}, status=403)


def second_factor_redirect(request, next_url: str):
    step = "console:totp-verify" if user_has_device(request.user, confirmed=True) else "console:totp-setup"
    return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
