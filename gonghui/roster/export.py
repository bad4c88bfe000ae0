"""`roster_export`: a union subtree's members as an .xlsx in the national real-name template's column order.

Streams (openpyxl write-only with lxml, rows from `.iterator(chunk_size=2000)`), so memory stays flat for a
province. ID and phone numbers are masked by one function (core.masking) unless the actor may see them in full
(`permissions.can_export_unmasked`) and states a reason; such an export is audited with the reason.
Cells that a spreadsheet would run as a formula (= + - @, tab, CR) are written with a leading apostrophe.
"""
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.scoping import subtree_q
from gonghui.members import codes
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member, MembershipEvent
from gonghui.orgs.models import Org
from gonghui.roster.permissions import can_export_roster, can_export_unmasked

# The national template (research/mission-anchors.md §3.1), columns 1–19, then the platform's own.
COLUMNS = ["姓名", "性别", "出生日期", "民族", "就业状况", "有效证件类别", "证件号码", "学历", "技能等级", "移动电话",
           "户籍类型", "户籍所在地", "会籍变化类型", "会籍变化日期", "会籍变化原因", "政治面貌", "工作单位", "籍贯",
           "是否农民工", "入会日期", "会籍状态", "新就业形态", "平台企业", "所属工会"]
_RISKY = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


@dataclass
class ExportResult:
    path: Path
    rows: int
    unmasked: bool


def safe_cell(value):
    """Text a spreadsheet would take for a formula gets a leading apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    return value


def _label(list_name: str, code: str) -> str:
    if not code:
        return ""
    try:
        return codes.label(list_name, code)
    except KeyError:
        return code


def roster_export(*, org: Org, actor, path, unmasked: bool = False, reason: str = "") -> ExportResult:
    if not can_export_roster(actor, org):
        raise PermissionDenied(_("无权导出该工会的花名册"))
    reason = (reason or "").strip()
    if unmasked:
        if not can_export_unmasked(actor, org):
            raise PermissionDenied(_("只有本工会或上级工会的主席可以导出完整的证件号码和手机号"))
        if not reason:
            raise ValidationError(_("导出完整的证件号码和手机号须说明理由"))
    from openpyxl import Workbook

    latest = MembershipEvent.objects.filter(member=OuterRef("pk")).order_by("-on", "-id")
    members = (Member.objects.filter(subtree_q(org.path, field="org__path"))
               .annotate(change_kind=Subquery(latest.values("kind")[:1]), change_on=Subquery(latest.values("on")[:1]),
                         change_reason=Subquery(latest.values("reason_code")[:1]))
               .select_related("org").order_by("org__path", "id"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("会员花名册")))
    sheet.append(COLUMNS)
    count = 0
    for m in members.iterator(chunk_size=CHUNK):
        id_number, phone = m.id_number, m.phone
        if not unmasked:
            id_number, phone = mask_id_number(id_number), mask_phone(phone)
        row = [m.name, _label("gender", m.gender), m.birth_date, _label("ethnicity", m.ethnicity),
               _label("employment_status", m.employment_status), _label("id_type", m.id_type), id_number,
               _label("education", m.education), _label("skill_level", m.skill_level), phone,
               _label("household_type", m.household_type), m.household_place,
               _label("membership_change", m.change_kind or ""), m.change_on,
               _label("membership_change_reason", m.change_reason or ""),
               _label("political_status", m.political_status),
               m.work_unit, "", "是" if m.migrant_worker else "否", m.joined_on, str(MemberStatus(m.status).label),
               _label("employment_form", m.employment_form), m.platform_company, m.org.name]
        sheet.append([safe_cell(v) for v in row])
        count += 1
    path = Path(path)
    workbook.save(path)
    with transaction.atomic():
        audit.record(actor=actor, action="roster.export_unmasked" if unmasked else "roster.export",
                     object_type="orgs.org", object_id=org.pk, org_path=org.path,
                     after={"org": org.code, "rows": count, "unmasked": unmasked, "reason": reason[:200],
                            "file_name": path.name})
    return ExportResult(path=path, rows=count, unmasked=unmasked)
