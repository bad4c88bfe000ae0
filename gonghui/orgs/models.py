"""The union tree: federations, township, industry, regional and grassroots unions, and branches."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.scoping import actor_paths, paths_q, subtree_q
from gonghui.orgs.choices import OrgKind, OrgLevel, OrgStatus, Ownership, UnitType
from gonghui.orgs.fields import PathField


class OrgQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "OrgQuerySet":
        """Orgs in the subtrees where the actor holds a role: the start of every cadre query."""
        return self.filter(paths_q(actor_paths(actor)))

    def subtree_of(self, org: "Org") -> "OrgQuerySet":
        return self.filter(subtree_q(org.path))

    def active(self) -> "OrgQuerySet":
        return self.filter(status=OrgStatus.ACTIVE)


class Org(models.Model):
    """Any node of the union tree.

    `path` is the materialized path of ids ("/1/23/456/"): the subtree of an org is a range of this
    indexed column (see gonghui.core.scoping), so subtree queries cost one index range at 150,000 orgs.
    `member_count` counts the active members attached directly to this org; it changes in the same
    transaction as the member rows it counts, so a subtree's total is the sum over its path range.
    """

    parent = models.ForeignKey(
        "self", verbose_name=_("上级工会"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = PathField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), default=0, editable=False)
    code = models.CharField(_("组织编码"), max_length=32, unique=True, help_text=_("本平台内唯一的工会组织编码"))
    name = models.CharField(_("工会名称"), max_length=200, db_index=True)
    kind = models.CharField(_("组织类别"), max_length=16, choices=OrgKind.choices)
    level = models.CharField(_("所在层级"), max_length=16, choices=OrgLevel.choices)
    division_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, db_index=True, help_text=_("GB/T 2260，乡镇级为9位")
    )
    new_forms = models.BooleanField(_("新业态工会"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    founded_on = models.DateField(_("建会日期"), null=True, blank=True)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    chair_name = models.CharField(_("工会主席"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # Employer of a grassroots union (单位). Kept on the org: one grassroots union, one employer.
    employer_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    industry_code = models.CharField(_("国民经济行业分类"), max_length=5, blank=True, help_text=_("GB/T 4754"))
    unit_type = models.CharField(_("单位性质"), max_length=16, choices=UnitType.choices, blank=True)
    ownership = models.CharField(_("经济类型"), max_length=16, choices=Ownership.choices, blank=True)
    employee_count = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    small_micro = models.BooleanField(_("小微企业"), default=False)
    member_count = models.PositiveIntegerField(_("直属会员数"), default=0, editable=False)
    join_decision_days = models.PositiveSmallIntegerField(
        _("入会审批承诺时限（工作日）"), default=3, help_text=_("职工提交入会申请后，本工会承诺在此工作日内办结")
    )
    organised_forms = models.JSONField(
        _("组织的新就业形态"), default=list, blank=True,
        help_text=_("行业或区域工会所组织的新就业形态，如 [\"courier\", \"rider\"]；用于一键入会分派"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(kind="grassroots", status="active") & ~Q(uscc=""),
                name="org_uscc_one_active_grassroots",
                violation_error_message=_("该统一社会信用代码已有正常状态的基层工会"),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(kind="federation"),
                name="org_only_federation_is_root",
                violation_error_message=_("只有总工会可以没有上级工会"),
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="org_merged_has_target",
                violation_error_message=_("已合并的工会必须注明并入的工会"),
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "name"], name="org_parent_name_idx"),
            # Covering index for subtree roll-ups: a path range summed without reading the table.
            models.Index(fields=["path", "kind", "member_count"], name="org_path_counts_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class OrgEvent(models.Model):
    """History of the tree: founding, moves, merges and closings, with the paths before and after."""

    class Kind(models.TextChoices):
        FOUND = "found", _("建会")
        MOVE = "move", _("隶属关系变更")
        MERGE = "merge", _("合并")
        CLOSE = "close", _("撤销")
        UPDATE = "update", _("信息变更")

    org = models.ForeignKey(Org, verbose_name=_("工会组织"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    on = models.DateField(_("日期"))
    old_parent = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_parent = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    old_path = models.CharField(_("原路径"), max_length=255, blank=True)
    new_path = models.CharField(_("新路径"), max_length=255, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("组织变更记录")
        verbose_name_plural = _("组织变更记录")
        ordering = ["-id"]
