"""Forms of the cadre join queue: the reason for not approving, the applications ticked for bulk approval."""
from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.joining.choices import ApplicationStatus

ALL = "all"
MAX_BULK = 100


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[(ApplicationStatus.PENDING, ApplicationStatus.PENDING.label),
                 (ApplicationStatus.APPROVED, ApplicationStatus.APPROVED.label),
                 (ApplicationStatus.REJECTED, ApplicationStatus.REJECTED.label),
                 (ApplicationStatus.WITHDRAWN, ApplicationStatus.WITHDRAWN.label),
                 (ALL, _("全部"))],
    )

    def selected(self) -> str:
        """The status to list: pending unless another valid one was asked for."""
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return ApplicationStatus.PENDING


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予批准的原因"), max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("将以短信告知申请人，如：经核实不在本单位工作")}),
        error_messages={"required": _("请填写不予批准的原因"), "max_length": _("原因不能超过200个字")},
    )


class BulkApproveForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, error_messages={
        "required": _("请先勾选要批准的申请"), "invalid_choice": _("所选申请无效，请刷新页面后重试")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any positive id is accepted here; whether it exists and lies in scope is the service's business.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if v.isdigit() and len(v) < 12]

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if len(ids) > MAX_BULK:
            raise forms.ValidationError(_("一次最多批准%(n)d份申请") % {"n": MAX_BULK})
        return ids
