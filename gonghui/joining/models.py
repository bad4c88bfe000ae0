"""Join applications (入会申请) and transfers (转会) between grassroots unions."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.scoping import actor_paths, paths_q
from gonghui.joining.choices import ApplicationStatus, RouteReason, TransferSide, TransferStatus
from gonghui.members.choices import EmploymentForm


class JoinApplicationQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "JoinApplicationQuerySet":
        """Applications routed into a cadre's subtree, plus a worker's own."""
        q = paths_q(actor_paths(actor), field="routed_org__path")
        if actor is not None and getattr(actor, "is_authenticated", False):
            q |= Q(applicant=actor)
        return self.filter(q)


class JoinApplication(models.Model):
    """A worker's one-tap application to join, routed to the union that decides it.

    At most one pending application per person (ID number) — a partial unique index, so fifty concurrent
    taps of the same person end in one row whatever the interleaving.
    """

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT,
                                  related_name="join_applications")
    name = models.CharField(_("姓名"), max_length=50)
    id_number_enc = models.BinaryField(editable=False)
    id_number_hash = models.CharField(max_length=64, editable=False)  # index: Meta (no `_like` index)
    birth_date = models.DateField(_("出生日期"))
    gender = models.CharField(_("性别"), max_length=1)
    division_code = models.CharField(_("证件所属行政区划"), max_length=6, blank=True)
    phone_enc = models.BinaryField(editable=False)
    phone_hash = models.CharField(max_length=64, editable=False)
    employer_org = models.ForeignKey("orgs.Org", verbose_name=_("所在单位工会"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    employment_form = models.CharField(_("新就业形态"), max_length=16, choices=EmploymentForm.choices, blank=True)
    platform_company = models.CharField(_("平台企业"), max_length=100, blank=True)
    work_division_code = models.CharField(_("工作所在地"), max_length=12, blank=True)
    routed_org = models.ForeignKey("orgs.Org", verbose_name=_("受理工会"), on_delete=models.PROTECT,
                                   related_name="join_applications")
    route_reason = models.CharField(_("受理依据"), max_length=16, choices=RouteReason.choices)
    consent = models.ForeignKey("accounts.Consent", verbose_name=_("个人信息处理同意"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.PENDING)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    due_on = models.DateField(_("承诺办结日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reject_reason = models.CharField(_("未批准原因"), max_length=200, blank=True)
    member = models.ForeignKey("members.Member", verbose_name=_("会员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="join_applications")

    objects = JoinApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=Q(status="pending"), name="join_one_pending_per_person",
                violation_error_message=_("此人已有一份入会申请正在审批中"),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""), name="join_rejection_has_reason",
                violation_error_message=_("不予批准时必须说明原因"),
            ),
        ]
        indexes = [models.Index(fields=["routed_org", "status", "submitted_at"], name="join_queue_idx"),
                   models.Index(fields=["id_number_hash"], name="join_id_number_hash_idx")]

    def __str__(self) -> str:
        return f"{self.name} → {self.routed_org}"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(crypto.decrypt(self.id_number_enc, context=b"id_number"))

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc, context=b"phone")

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class TransferQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "TransferQuerySet":
        """Transfers out of or into a cadre's subtree (each side sees its own half), and a member's own."""
        paths = actor_paths(actor)
        q = paths_q(paths, field="from_org__path") | paths_q(paths, field="to_org__path")
        if actor is not None and getattr(actor, "is_authenticated", False):
            q |= Q(member__user=actor)
        return self.filter(q)


class Transfer(models.Model):
    """Moving a member from one grassroots union to another: asked by one side, decided by the receiver."""

    member = models.ForeignKey("members.Member", verbose_name=_("会员"), on_delete=models.PROTECT,
                               related_name="transfers")
    from_org = models.ForeignKey("orgs.Org", verbose_name=_("转出工会"), on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey("orgs.Org", verbose_name=_("转入工会"), on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("发起方"), max_length=8, choices=TransferSide.choices)
    reason = models.CharField(_("转会原因"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=12, choices=TransferStatus.choices,
                              default=TransferStatus.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decline_reason = models.CharField(_("拒绝原因"), max_length=200, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("转会")
        verbose_name_plural = _("转会")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="requested"),
                                    name="transfer_one_open_per_member",
                                    violation_error_message=_("该会员已有一笔转会正在办理")),
            models.CheckConstraint(condition=~Q(from_org=models.F("to_org")), name="transfer_to_another_union",
                                   violation_error_message=_("转入工会不能与转出工会相同")),
            # A member told "declined" must be told why (the SMS carries the reason), whatever code writes the row.
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""),
                                   name="transfer_decline_has_reason",
                                   violation_error_message=_("拒绝转会必须说明原因")),
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_at__isnull=False),
                                   name="transfer_decided_has_time",
                                   violation_error_message=_("已办结的转会必须有处理时间")),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.from_org} → {self.to_org}"
