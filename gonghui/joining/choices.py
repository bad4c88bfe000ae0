from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class RouteReason(models.TextChoices):
    """Why an application went to the union that decides it."""

    EMPLOYER = "employer", _("所在单位的基层工会")
    NEW_FORMS = "new_forms", _("当地组织该新就业形态的行业或区域工会")
    COUNTY = "county", _("当地县（区）总工会")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已拒绝")
    CANCELLED = "cancelled", _("已撤销")


class TransferSide(models.TextChoices):
    MEMBER = "member", _("会员本人申请")
    SENDING = "sending", _("转出工会发起")
