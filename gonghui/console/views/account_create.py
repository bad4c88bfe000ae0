"""新建干部账号: the security administrator (三员, accounts.duties) opens a cadre account, optionally with its first
business role on an org. The services write and audit (accounts.services: cadre_create "user.create", role_grant
"role.grant"); the password is an initial one, which the holder must replace at first sign-in
(accounts.passwords.password_expired, PasswordExpiryMiddleware)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from gonghui.accounts import services
from gonghui.accounts.choices import RoleKind
from gonghui.accounts.passwords import ProfileValidator
from gonghui.console.decorators import duty_required
from gonghui.console.forms_accounts import AccountCreateForm


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@duty_required(RoleKind.SECADMIN)
def account_create(request):
    form = AccountCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a role the service refuses leaves no account behind without it.
            with transaction.atomic():
                user = services.cadre_create(username=data["username"], password=data["password1"],
                                             display_name=data["display_name"].strip(), actor=request.user,
                                             initial_password=True)
                if data.get("org") is not None:
                    services.role_grant(user=user, org=data["org"], kind=data["kind"], actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已新建账号 %(name)s；请将初始密码告知本人，其首次登录须修改密码") % {
                "name": user.username})
            return redirect("console:account-detail", pk=user.pk)
    help_text = _("密码要求：%(rules)s。") % {"rules": ProfileValidator().get_help_text()}
    return render(request, "console/duties/account_create.html", {"form": form, "help_text": help_text},
                  status=422 if form.errors else 200)
