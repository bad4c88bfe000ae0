"""One-tap join (一键入会), phone first: the application form, its SMS code, and where the application went.

Thin: the form parses, joining.services.join_apply decides and refuses (in Chinese, by field), and the
selectors answer. Employer search and the city → district lists are small htmx fragments of the same page.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts.services import SMS_RESEND_SECONDS, sms_code_send
from gonghui.core.masking import mask_phone
from gonghui.core.phone import normalize_phone
from gonghui.core.ratelimit import rate_limit
from gonghui.joining.choices import ApplicationStatus
from gonghui.joining.selectors import employer_search, join_application_get, my_applications
from gonghui.joining.services import join_apply, join_withdraw, privacy_notice_current
from gonghui.joining.services.applications import SMS_PURPOSE
from gonghui.members.choices import MemberStatus
from gonghui.members.selectors import member_of_user
from gonghui.orgs import divisions
from gonghui.portal.forms_join import (
    WHERE_EMPLOYER, JoinForm, account_phone_or_typed, city_choices, county_choices,
)

LOGIN = "portal:login"
EMPLOYER_LIMIT = 8
SENSITIVE = ("id_number", "phone", "sms_code")
# A member who left or was struck off may apply again (joining.services decides); anyone else already belongs.
MEMBERSHIP_HELD = frozenset({MemberStatus.ACTIVE, MemberStatus.RETAINED})


def _form(data=None, *, user, initial=None):
    initial = initial or {"phone": user.phone_masked, "where": WHERE_EMPLOYER}
    return JoinForm(data, initial=initial, account_phone=user.phone)


def _context(request, form, **extra) -> dict:
    notice = privacy_notice_current(purpose=SMS_PURPOSE)
    values = form.data if form.is_bound else form.initial
    context = {"form": form, "notice": notice, "employers": _employers_for(values),
               "chosen_employer": str(values.get("employer_org") or ""), "resend_seconds": SMS_RESEND_SECONDS}
    return context | extra


def _employers_for(values) -> list[dict]:
    """The employer choices shown again with a refused form, so the worker's pick stays picked."""
    query = str(values.get("employer_name") or "").strip()
    try:
        return employer_search(query=query, limit=EMPLOYER_LIMIT) if query else []
    except ValidationError:
        return []


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@login_required(login_url=LOGIN)
@require_http_methods(["GET", "POST"])
@rate_limit("join_ip", "join_user")
def join(request):
    member = member_of_user(user=request.user)
    pending = my_applications(user=request.user).filter(status=ApplicationStatus.PENDING).first()
    if member is not None and member.status in MEMBERSHIP_HELD:
        messages.info(request, _("您已是%(org)s会员，无需申请入会。") % {"org": member.org.name})
        return redirect("portal:me")
    if pending is not None:
        # One pending application per person: show where it stands instead of a form the service would refuse.
        messages.info(request, _("您的入会申请正在审批中。"))
        return redirect("portal:join-status")
    if request.method == "GET":
        return render(request, "portal/join/form.html", _context(request, _form(user=request.user)))
    form = _form(request.POST, user=request.user)
    if form.is_valid():
        try:
            join_apply(applicant=request.user, actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("入会申请已提交。"))
            return redirect("portal:join-status")
    return render(request, "portal/join/form.html", _context(request, form), status=200)


@sensitive_post_parameters(*SENSITIVE)
@never_cache
@vary_on_headers("HX-Request")
@login_required(login_url=LOGIN)
@require_POST
@rate_limit("sms_ip", "sms_phone")
def join_code(request):
    """Send the join SMS code to the phone typed in the form; htmx gets the phone and code rows back only."""
    typed = request.POST.get("phone", "")
    phone = account_phone_or_typed(typed, request.user.phone)
    sent_to, errors = None, []
    try:
        sms_code_send(phone=phone, purpose=SMS_PURPOSE)
    except ValidationError as exc:
        errors = [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages
    else:
        sent_to = mask_phone(normalize_phone(phone))
    if request.htmx:
        context = {"form": _form(user=request.user, initial={"phone": typed}), "sent_to": sent_to,
                   "phone_errors": errors, "resend_seconds": SMS_RESEND_SECONDS}
        return render(request, "portal/join/form.html#phone-rows", context)
    # Without JavaScript the whole form came along: show it again with what was typed (the code aside).
    values = request.POST.dict()
    values.pop("sms_code", None)
    form = _form(user=request.user, initial=values)
    return render(request, "portal/join/form.html", _context(request, form, sent_to=sent_to, phone_errors=errors))


@never_cache
@login_required(login_url=LOGIN)
@require_GET
def join_employers(request):
    """Employers matching what the worker typed, as radio choices (htmx, search as you type)."""
    query = request.GET.get("employer_name", "").strip()[:60]
    error = None
    try:
        employers = employer_search(query=query, limit=EMPLOYER_LIMIT)
    except ValidationError as exc:
        employers, error = [], "；".join(exc.messages)
    context = {"employers": employers, "query": query, "search_error": error,
               "chosen_employer": request.GET.get("employer_org", "")}
    return render(request, "portal/join/form.html#employer-results", context)


@login_required(login_url=LOGIN)
@require_GET
def join_divisions(request):
    """The <option>s below a chosen province (its cities) or city (its districts and counties)."""
    city, province = request.GET.get("work_city", ""), request.GET.get("work_province", "")
    if city:
        options, blank = county_choices(city if city.isdigit() else ""), _("请选择区（县）")
    else:
        options, blank = city_choices(province if province.isdigit() else ""), _("请选择城市")
    return render(request, "portal/join/form.html#division-options", {"options": options, "blank": blank})


@never_cache
@login_required(login_url=LOGIN)
@require_GET
def join_status(request):
    applications = list(my_applications(user=request.user)[:20])
    rows = [{"application": a, "work_place": _place(a.work_division_code)} for a in applications]
    context = {"rows": rows, "member": member_of_user(user=request.user)}
    return render(request, "portal/join/status.html", context)


@login_required(login_url=LOGIN)
@require_POST
@rate_limit("apply_ip", "apply_user")
def join_withdraw_view(request, pk: int):
    # Only the applicant takes an application back: the service refuses anyone else (403).
    application = join_application_get(actor=request.user, pk=pk)
    try:
        join_withdraw(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("入会申请已撤回。"))
    return redirect("portal:join-status")


def _place(code: str) -> str:
    """“四川省 成都市 锦江区” for a division code, or "" when the application named none."""
    if not code:
        return ""
    names = []
    for prefix in (code[:2], code[:4], code[:6]):
        try:
            division = divisions.get(prefix)
        except divisions.UnknownDivision:
            continue
        if not names or names[-1] != division.name:
            names.append(division.name)
    return " ".join(names)
