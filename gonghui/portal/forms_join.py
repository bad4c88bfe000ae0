"""The one-tap join form: parses what the worker typed; every rule about joining is joining.services'."""
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.masking import mask_phone
from gonghui.members.choices import EmploymentForm
from gonghui.orgs import divisions
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus
from gonghui.orgs.models import Org

WHERE_EMPLOYER, WHERE_NEW_FORMS = "employer", "new_forms"


class CodeInput(forms.TextInput):
    """An SMS code is good once: a form shown again never puts the old code back."""

    def format_value(self, value):
        return None


def account_phone_or_typed(value: str, account_phone: str) -> str:
    """The form is prefilled with the sign-in phone masked (138****0001): no page carries a plaintext number.
    Left as it was, it stands for the account's own number; anything typed over it is taken as typed."""
    value = "".join(str(value).split())
    return account_phone if account_phone and value == mask_phone(account_phone) else value


def platform_province_codes() -> list[str]:
    """The provinces whose federations this platform serves (the roots of the union tree), in tree order.

    A province's deployment has one, and the form then asks for the city and district only.
    """
    codes = (Org.objects.filter(parent__isnull=True, kind=OrgKind.FEDERATION, level=OrgLevel.PROVINCE,
                                status=OrgStatus.ACTIVE).order_by("path").values_list("division_code", flat=True))
    return list(dict.fromkeys(code[:2] for code in codes if code[:2].isdigit()))


def province_choices(codes: list[str]) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in (_division(code[:2]) for code in codes) if d is not None]


def city_choices(province_code: str) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in divisions.cities(province_code[:2])] if province_code else []


def county_choices(city_code: str) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in divisions.counties(city_code[:4])] if city_code else []


def _division(code: str):
    try:
        return divisions.get(code)
    except divisions.UnknownDivision:
        return None


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("姓名"), max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("与身份证一致")}),
        error_messages={"required": _("请填写姓名")},
    )
    id_number = forms.CharField(
        label=_("身份证号"), max_length=24,
        # Not inputmode=numeric: the last character may be X, which a digit keypad cannot type.
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "maxlength": "18", "placeholder": _("18位，末位可为X")}),
        error_messages={"required": _("请填写身份证号")},
    )
    phone = forms.CharField(
        label=_("手机号码"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("请填写手机号码")},
    )
    sms_code = forms.CharField(
        label=_("短信验证码"), max_length=6,
        widget=CodeInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6",
                                "placeholder": _("6位数字")}),
        error_messages={"required": _("请填写短信验证码")},
    )
    where = forms.ChoiceField(
        label=_("我在哪里工作"), widget=forms.RadioSelect,
        choices=[(WHERE_EMPLOYER, _("我在单位工作")), (WHERE_NEW_FORMS, _("我是新就业形态劳动者"))],
        initial=WHERE_EMPLOYER, error_messages={"required": _("请选择工作情况")},
    )
    # Rendered as the radio choices of the employer search (templates/portal/join/form.html), not by Django.
    employer_org = forms.ModelChoiceField(
        queryset=Org.objects.filter(kind=OrgKind.GRASSROOTS), required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("所选单位不存在，请重新搜索选择")},
    )
    employer_name = forms.CharField(
        label=_("工作单位"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization", "placeholder": _("输入单位名称或统一社会信用代码"),
                                      "role": "combobox", "aria-autocomplete": "list",
                                      "aria-controls": "employer-results"}),
    )
    employment_form = forms.ChoiceField(
        label=_("从事的工作"), required=False,
        choices=[("", _("请选择"))] + [c for c in EmploymentForm.choices if c[0]],
    )
    platform_company = forms.CharField(
        label=_("平台企业"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：某快递公司、某外卖平台")}),
    )
    work_province = forms.ChoiceField(label=_("省份"), required=False)
    work_city = forms.ChoiceField(label=_("城市"), required=False)
    work_division_code = forms.ChoiceField(label=_("区（县）"), required=False)
    consent = forms.BooleanField(
        label=_("我已阅读并同意《个人信息处理规则》"),
        error_messages={"required": _("请阅读并勾选同意《个人信息处理规则》")},
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, provinces: list[str] | None = None, account_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_phone = account_phone
        provinces = platform_province_codes() if provinces is None else provinces
        self.fields["work_province"].choices = province_choices(provinces)
        source = self.data if self.is_bound else {**self.initial}
        province = source.get("work_province") or (provinces[0] if len(provinces) == 1 else "")
        if len(provinces) == 1:
            self.fields["work_province"].widget = forms.HiddenInput()
            self.initial.setdefault("work_province", province)
        else:
            self.fields["work_province"].choices = [("", _("请选择省份"))] + self.fields["work_province"].choices
        self.fields["work_city"].choices = [("", _("请选择城市"))] + city_choices(province)
        self.fields["work_division_code"].choices = (
            [("", _("请选择区（县）"))] + county_choices(source.get("work_city") or "")
        )
        for name in ("work_province", "work_city", "work_division_code"):
            self.fields[name].error_messages["invalid_choice"] = _("请从列表中选择")
        # htmx: the employer search as one types, the districts of the chosen city (templates/portal/join/).
        self.fields["employer_name"].widget.attrs.update({
            "hx-get": reverse("portal:join-employers"), "hx-trigger": "input changed delay:300ms, search",
            "hx-target": "#employer-results", "hx-swap": "outerHTML", "hx-sync": "this:replace",
        })
        self.fields["work_province"].widget.attrs.update({
            "hx-get": reverse("portal:join-divisions"), "hx-target": "#id_work_city", "hx-swap": "innerHTML",
        })
        self.fields["work_city"].widget.attrs.update({
            "hx-get": reverse("portal:join-divisions"), "hx-target": "#id_work_division_code", "hx-swap": "innerHTML",
        })

    def clean_phone(self) -> str:
        return account_phone_or_typed(self.cleaned_data["phone"], self.account_phone)

    def clean_id_number(self) -> str:
        # Full-width digits, spaces and a lowercase x are what phones type; the service checks the number.
        return "".join(self.cleaned_data["id_number"].split()).upper().replace("Ｘ", "X")

    def clean(self):
        cleaned = super().clean()
        where = cleaned.get("where")
        if where == WHERE_EMPLOYER:
            if not cleaned.get("employer_org") and not cleaned.get("employer_name", "").strip():
                self.add_error("employer_name", _("请填写工作单位名称，或从搜索结果中选择"))
            elif not cleaned.get("employer_org") and not cleaned.get("work_division_code"):
                self.add_error("work_division_code", _("单位尚未在平台建会，请选择工作所在的区（县），由当地工会受理"))
        elif where == WHERE_NEW_FORMS:
            if not cleaned.get("employment_form"):
                self.add_error("employment_form", _("请选择从事的新就业形态工作"))
            if not cleaned.get("work_division_code"):
                self.add_error("work_division_code", _("请选择工作所在的区（县）"))
        return cleaned

    def service_arguments(self) -> dict:
        """The keyword arguments of joining.services.join_apply that come from this form."""
        data = self.cleaned_data
        args = {"name": data["name"].strip(), "id_number": data["id_number"], "phone": data["phone"].strip(),
                "sms_code": data["sms_code"].strip(), "consent_version": data["consent_version"]}
        if data["where"] == WHERE_EMPLOYER:
            if data.get("employer_org"):
                # The union's own employer name, not the words typed to find it (the service fills it in).
                args["employer_org"] = data["employer_org"]
            else:
                args |= {"employer_name": data["employer_name"].strip(),
                         "work_division_code": data["work_division_code"]}
        else:
            args |= {"employment_form": data["employment_form"], "platform_company": data["platform_company"].strip(),
                     "work_division_code": data["work_division_code"]}
        return args

    # Keys of the service's ValidationError → the field the message is shown next to.
    SERVICE_FIELDS = {
        "name": "name", "id_number": "id_number", "phone": "phone", "sms_code": "sms_code", "code": "sms_code",
        "consent_version": "consent", "consent": "consent", "employer_org": "employer_name",
        "employer_name": "employer_name", "employment_form": "employment_form",
        "platform_company": "platform_company", "work_division_code": "work_division_code",
    }

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(self.SERVICE_FIELDS.get(key), messages)
        else:
            self.add_error(None, error.messages)
