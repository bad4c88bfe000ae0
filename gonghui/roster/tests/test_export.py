"""roster_export: the national column order, masked by default, unmasked only for a chair with a reason."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.members.services import member_update
from gonghui.roster.export import COLUMNS, roster_export
from gonghui.roster.services import roster_import
from gonghui.roster.tests.files import people_rows, write_xlsx

pytestmark = pytest.mark.django_db


def _rows(path):
    return [list(r) for r in load_workbook(path, read_only=True).active.iter_rows(values_only=True)]


def test_an_export_is_masked_in_the_national_order_and_reimports_as_unchanged(world, tmp_path):
    member_update(member=world.worker_member, actor=None, work_unit="=HYPERLINK(\"http://x\")")
    out = roster_export(org=world.county, actor=world.county_cadre, path=tmp_path / "out.xlsx")
    rows = _rows(out.path)
    assert rows[0] == COLUMNS and COLUMNS[:7] == ["姓名", "性别", "出生日期", "民族", "就业状况", "有效证件类别", "证件号码"]
    assert out.rows == 1 and out.unmasked is False
    zhang = rows[1]
    assert zhang[0] == "张伟" and zhang[6] == "5101**********" + world.worker_member.id_number[-4:]
    assert zhang[9] == "138****0001" and zhang[12] == "入会"
    assert zhang[16] == "'=HYPERLINK(\"http://x\")"
    assert not any(world.worker_member.id_number in str(cell) for row in rows for cell in row)
    assert AuditEvent.objects.filter(action="roster.export").count() == 1


def test_an_unmasked_export_needs_a_chair_above_and_a_reason_and_is_audited(world, tmp_path):
    path = tmp_path / "out.xlsx"
    for who in ("auditor", "county_cadre", "other_county_cadre"):
        with pytest.raises(PermissionDenied):
            roster_export(org=world.grassroots, actor=world.users[who], path=path, unmasked=True, reason="核对")
    with pytest.raises(ValidationError):
        roster_export(org=world.grassroots, actor=world.province_cadre, path=path, unmasked=True)
    assert not AuditEvent.objects.filter(action__startswith="roster.export").exists()
    out = roster_export(org=world.grassroots, actor=world.grassroots_cadre, path=path, unmasked=True,
                        reason="报送上级核对会员信息")
    rows = _rows(out.path)
    assert rows[1][6] == world.worker_member.id_number and rows[1][9] == "13800010001"
    event = AuditEvent.objects.get(action="roster.export_unmasked")
    assert event.actor == world.grassroots_cadre and event.after["reason"] == "报送上级核对会员信息"


def test_an_exported_roster_imports_back_as_unchanged(world, tmp_path):
    rows = people_rows(3)
    rows[0][5] = date(2022, 2, 2)
    roster_import(path=write_xlsx(tmp_path / "in.xlsx", rows), org=world.grassroots, actor=None)
    out = roster_export(org=world.grassroots, actor=None, path=tmp_path / "out.xlsx", unmasked=True, reason="备份")
    again = roster_import(path=out.path, org=world.grassroots, actor=None, dry_run=True)
    assert (again.accepted, again.unchanged, again.refused) == (0, 4, [])


def test_the_export_command_writes_the_file(world, tmp_path, capsys):
    path = tmp_path / "out.xlsx"
    call_command("roster", "export", "--org", world.province.code, str(path), "--as", "province_cadre")
    assert "已脱敏" in capsys.readouterr().out
    assert len(_rows(path)) == 1 + 2  # the two Sichuan members
