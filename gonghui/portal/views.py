"""Worker pages, phone first: what the union offers, sign-in by SMS code, one's own membership."""
from django.contrib import messages
from django.contrib.auth import login as auth_login, logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts.forms import PhoneForm, SmsLoginForm
from gonghui.accounts.services import SMS_RESEND_SECONDS, sms_code_send
from gonghui.core.masking import mask_phone
from gonghui.core.ratelimit import rate_limit
from gonghui.members.selectors import member_of_user
from gonghui.orgs.selectors import org_lineage


def home(request):
    return render(request, "portal/home.html")


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit("sign_in_ip", "sign_in_phone")
def login(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = SmsLoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        auth_login(request, form.user)
        return redirect(next_url)
    return render(request, "portal/login.html", {"form": form, "next": _next_param(request)})


@never_cache
@vary_on_headers("HX-Request")
@require_POST
@rate_limit("sms_ip", "sms_phone")
def sms_code(request):
    """Send a sign-in code, then show the sign-in form again (only the form when htmx asked)."""
    phone_form = PhoneForm(request.POST)
    sent_to = None
    if phone_form.is_valid():
        try:
            sms_code_send(phone=phone_form.cleaned_data["phone"])
        except ValidationError as exc:
            phone_form.add_error("phone", exc.message_dict.get("phone", exc.messages))
        else:
            sent_to = mask_phone(phone_form.cleaned_data["phone"])
    form = SmsLoginForm(request, initial={"phone": request.POST.get("phone", "")})
    context = {"form": form, "phone_errors": phone_form.errors.get("phone"), "sent_to": sent_to,
               "resend_seconds": SMS_RESEND_SECONDS, "next": _next_param(request)}
    template = "portal/login.html#login-form" if request.htmx else "portal/login.html"
    return render(request, template, context)


@never_cache
@login_required(login_url="portal:login")
def me(request):
    member = member_of_user(user=request.user)
    context = {"member": member}
    if member is not None:
        context |= {"lineage": org_lineage(member.org), "years": _full_years(member.joined_on)}
    return render(request, "portal/me.html", context)


@require_POST
def logout(request):
    auth_logout(request)
    messages.success(request, _("您已退出登录。"))
    return redirect("portal:home")


def _next_param(request) -> str:
    """Where a page that asked for sign-in (e.g. 一键入会) sent the worker from: inside this site only."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                         require_https=request.is_secure())
    return candidate if candidate and ok else ""


def _safe_next(request) -> str:
    return _next_param(request) or reverse("portal:me")


def _full_years(since) -> int:
    today = timezone.localdate()
    return max(0, today.year - since.year - ((today.month, today.day) < (since.month, since.day)))
