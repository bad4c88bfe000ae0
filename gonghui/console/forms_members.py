"""Forms of a member's page in the console: a change of membership (会籍变化) and the record's national fields.

The forms only shape the input; what is allowed (dates, statuses, who may act) is members.services' to decide,
and its Chinese messages are put back on the fields they name (`add_service_errors`).
"""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.members.choices import MembershipChange, MembershipChangeReason
from gonghui.members.models import Member

# A death is no kind of its own in the national list: it is 除名 with the platform's reason "91"
# (members.services.membership_end), offered here as a choice so a cadre need not know that.
DECEASED = "deceased"
END_KINDS = [
    (MembershipChange.RETAIN, MembershipChange.RETAIN.label),
    (MembershipChange.WITHDRAW, MembershipChange.WITHDRAW.label),
    (MembershipChange.STRIKE_OFF, MembershipChange.STRIKE_OFF.label),
    (DECEASED, _("会员死亡（以除名登记）")),
]
# The national reasons 1–6; "91" (death) comes only with the DECEASED choice above.
NATIONAL_REASONS = [(c.value, format_lazy("{} {}", c.value, c.label)) for c in MembershipChangeReason
                    if c != MembershipChangeReason.DECEASED]


class MembershipEndForm(forms.Form):
    kind = forms.ChoiceField(label=_("会籍变化类型"), choices=[("", _("请选择"))] + END_KINDS,
                             error_messages={"required": _("请选择会籍变化类型"),
                                             "invalid_choice": _("会籍变化类型不正确")})
    reason_code = forms.ChoiceField(label=_("会籍变化原因"), required=False,
                                    choices=[("", _("请选择"))] + NATIONAL_REASONS,
                                    error_messages={"invalid_choice": _("会籍变化原因代码不正确")})
    on = forms.DateField(label=_("会籍变化日期"), widget=forms.DateInput(attrs={"type": "date"}),
                         error_messages={"required": _("请填写会籍变化日期"), "invalid": _("日期格式不正确")})
    note = forms.CharField(label=_("说明"), required=False, max_length=200,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("说明不能超过200个字")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        if data.get("kind") == DECEASED:
            data["kind"], data["reason_code"] = MembershipChange.STRIKE_OFF, MembershipChangeReason.DECEASED
        elif data.get("kind") and not data.get("reason_code"):
            # The national template has a reason for every change; the register's statistics count by it.
            self.add_error("reason_code", _("请选择会籍变化原因"))
        return data

    def service_args(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("kind", "reason_code", "on", "note")}


# The national fields members.services.member_update accepts, in the order the page shows them. The ID number,
# birth date and gender come from the ID and are not here.
EDIT_FIELDS = ("name", "ethnicity", "education", "political_status", "skill_level", "employment_status",
               "household_type", "household_place", "migrant_worker", "employment_form", "platform_company",
               "work_unit")


class MemberEditForm(forms.Form):
    """Starts from the member's values; the phone starts empty (the page never holds the plaintext number)
    and an empty phone means "unchanged"."""

    phone = forms.CharField(label=_("新手机号"), required=False, max_length=20,
                            help_text=_("留空则不修改"), widget=forms.TextInput(attrs={"inputmode": "tel",
                                                                                     "autocomplete": "off"}))

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault("initial", {name: getattr(member, name) for name in EDIT_FIELDS})
        super().__init__(*args, **kwargs)
        for name in EDIT_FIELDS:
            field = Member._meta.get_field(name).formfield()
            field.error_messages.update({"required": _("请填写%(f)s") % {"f": field.label},
                                         "invalid_choice": _("%(f)s不在代码表中") % {"f": field.label},
                                         "max_length": _("%(f)s过长") % {"f": field.label}})
            self.fields[name] = field
        self.fields["household_place"].widget.attrs.update({"inputmode": "numeric", "placeholder": "510104"})
        self.order_fields([*EDIT_FIELDS, "phone"])

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in EDIT_FIELDS}
        if self.cleaned_data["phone"].strip():
            fields["phone"] = self.cleaned_data["phone"].strip()
        return fields


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the fields it names; anything else on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
