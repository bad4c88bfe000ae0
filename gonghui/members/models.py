"""The real-name register: one Member per person, keyed by the blind index of the ID number."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.scoping import actor_paths, paths_q
from gonghui.members.choices import (
    ETHNICITY_CHOICES, Education, EmploymentForm, EmploymentStatus, Gender, HouseholdType, IdType, MemberStatus,
    MembershipChange, PoliticalStatus, SkillLevel,
)


def member_scope_q(prefixes: list[str], user_id=None) -> Q:
    """Members under any of the path prefixes, plus the record of the user `user_id` (a worker's own)."""
    q = paths_q(prefixes, field="org__path")
    if user_id is not None:
        q |= Q(user_id=user_id)
    return q


class MemberQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "MemberQuerySet":
        """Members a cadre's roles cover, plus a worker's own record: the start of every member query."""
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        return self.filter(member_scope_q(actor_paths(actor), actor.pk if authenticated else None))


class Member(models.Model):
    """A union member (会员). ID and phone numbers are stored encrypted, with a keyed hash for look-up;
    birth date, gender and division are derived from the ID number and kept in clear for statistics."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="member",
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=50, db_index=True, editable=False)
    id_type = models.CharField(_("证件类别"), max_length=1, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_enc = models.BinaryField(_("证件号码（密文）"), editable=False)
    id_number_hash = models.CharField(_("证件号码索引"), max_length=64, editable=False)  # unique: Meta
    birth_date = models.DateField(_("出生日期"))
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    division_code = models.CharField(_("证件所属行政区划"), max_length=6, blank=True)
    phone_enc = models.BinaryField(_("手机号（密文）"), null=True, blank=True, editable=False)
    phone_hash = models.CharField(_("手机号索引"), max_length=64, blank=True, editable=False)  # index: Meta
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITY_CHOICES, default="01")
    education = models.CharField(_("学历"), max_length=2, choices=Education.choices, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=2, choices=PoliticalStatus.choices, blank=True)
    employment_status = models.CharField(
        _("就业状况"), max_length=1, choices=EmploymentStatus.choices, default=EmploymentStatus.EMPLOYED
    )
    household_type = models.CharField(_("户籍类型"), max_length=1, choices=HouseholdType.choices, blank=True)
    migrant_worker = models.BooleanField(_("农民工"), default=False)
    employment_form = models.CharField(
        _("新就业形态"), max_length=16, choices=EmploymentForm.choices, blank=True, default=""
    )
    platform_company = models.CharField(_("平台企业"), max_length=100, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=1, choices=SkillLevel.choices, blank=True)
    household_place = models.CharField(_("户籍所在地"), max_length=12, blank=True, help_text=_("GB/T 2260 区划代码"))
    card_number = models.CharField(_("会员证号"), max_length=24, null=True, blank=True)  # unique: Meta
    joined_on = models.DateField(_("入会日期"))
    status = models.CharField(_("会籍状态"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        # Keyed hashes and card numbers are only ever compared for equality. Declared here rather than with
        # unique=True / db_index=True on the field, because on PostgreSQL the field options add a second,
        # `varchar_pattern_ops` (`_like`) index for LIKE that nothing uses and every insert pays for.
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], name="member_id_number_hash_uniq",
                                    violation_error_message=_("此证件号码已登记为会员")),
            models.UniqueConstraint(fields=["card_number"], name="member_card_number_uniq"),
        ]
        indexes = [
            models.Index(fields=["org", "status"], name="member_org_status_idx"),
            models.Index(fields=["org", "name"], name="member_org_name_idx"),
            models.Index(fields=["phone_hash"], name="member_phone_hash_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc, context=b"id_number")

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc, context=b"phone") if self.phone_enc else ""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class MembershipEvent(models.Model):
    """One change of a member's membership (会籍变化), append-only; the member's status is derived from these.

    Kinds and reason codes follow the national real-name template (会籍变化类型 / 会籍变化原因).
    """

    member = models.ForeignKey(Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("会籍变化类型"), max_length=1, choices=MembershipChange.choices)
    org = models.ForeignKey("orgs.Org", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("会籍变化日期"))
    reason_code = models.CharField(_("会籍变化原因"), max_length=2, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会籍变化")
        verbose_name_plural = _("会籍变化")
        ordering = ["member", "on", "id"]
        indexes = [models.Index(fields=["org", "kind", "on"], name="membership_event_org_idx")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.on}"


class MemberCard(models.Model):
    """An e-member card (电子会员卡). A new card replaces the old; ending a membership revokes it."""

    member = models.ForeignKey(Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="cards")
    number = models.CharField(_("会员证号"), max_length=24)  # unique: Meta (no `_like` index)
    issued_at = models.DateTimeField(_("发卡时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("作废原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("电子会员卡")
        verbose_name_plural = _("电子会员卡")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(revoked_at__isnull=True),
                                    name="card_one_valid_per_member",
                                    violation_error_message=_("该会员已有一张有效会员卡")),
            models.UniqueConstraint(fields=["number"], name="card_number_uniq"),
        ]

    def __str__(self) -> str:
        return self.number
