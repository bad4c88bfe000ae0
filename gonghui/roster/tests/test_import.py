"""roster_import: what a file does to the register, and what it refuses, row by row."""
import json
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from gonghui.core.models import AuditEvent
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.members.choices import MembershipChange, MemberStatus
from gonghui.members.models import Member, MembershipEvent
from gonghui.members.records import id_number_index
from gonghui.members.services import membership_end
from gonghui.orgs.models import Org
from gonghui.roster.models import ImportJob, JobStatus
from gonghui.roster.services import roster_import
from gonghui.roster.tests.files import HEADER, people_rows, person, write_csv, write_xls, write_xlsx
from gonghui.roster.validation import ID_AS_NUMBER_MESSAGE, REASONS

pytestmark = pytest.mark.django_db


def _member_count(org):
    return Org.objects.get(pk=org.pk).member_count


def test_an_xlsx_with_titles_footer_and_date_cells_becomes_members_with_join_events(world, tmp_path):
    org = world.grassroots
    rows = people_rows(3)
    rows[0][5] = datetime(2021, 3, 4)
    before = _member_count(org)
    result = roster_import(path=write_xlsx(tmp_path / "r.xlsx", rows), org=org, actor=None)
    assert (result.accepted, result.unchanged, result.refused) == (3, 0, [])
    member = Member.objects.get(id_number_hash=id_number_index(rows[0][3]))
    assert member.org_id == org.pk and member.status == MemberStatus.ACTIVE
    assert member.joined_on == date(2021, 3, 4)
    assert member.id_number == rows[0][3] and member.phone == "13900000000"
    assert (member.ethnicity, member.education, member.political_status) == ("01", "20", "13")
    assert member.name_initials
    events = list(member.events.values_list("kind", "org_id", "on"))
    assert events == [(MembershipChange.JOIN, org.pk, date(2021, 3, 4))]
    assert _member_count(org) == before + 3
    job = ImportJob.objects.get(pk=result.job_id)
    assert (job.status, job.accepted, job.rows_done, job.checkpoint_row) == (JobStatus.DONE, 3, job.rows_total, 10)
    event = AuditEvent.objects.get(action="roster.import")
    assert event.after["file_sha256"] == result.file_sha256 and event.after["accepted"] == 3
    assert event.org_path == org.path and event.actor_label == "system"


def test_a_gbk_csv_a_utf8_bom_csv_and_an_xls_import_alike(world, tmp_path):
    org = world.grassroots
    a = roster_import(path=write_csv(tmp_path / "a.csv", people_rows(2), encoding="gbk"), org=org, actor=None)
    b = roster_import(path=write_csv(tmp_path / "b.csv", people_rows(2, start=2), encoding="utf-8-sig"), org=org,
                      actor=None)
    pytest.importorskip("xlwt")
    c = roster_import(path=write_xls(tmp_path / "c.xls", people_rows(2, start=4)), org=org, actor=None)
    assert [r.accepted for r in (a, b, c)] == [2, 2, 2]
    assert Member.objects.filter(name="职工00005", org=org).exists()


def test_every_refusal_has_the_excel_row_a_reason_and_a_chinese_message(world, tmp_path):
    org = world.grassroots
    ok = people_rows(1)[0]
    bad = lambda i, **change: [change.get(k, v) for k, v in zip(HEADER, people_rows(1, start=i)[0])]  # noqa: E731
    elsewhere = world.other_member.id_number
    ended = person(900)
    rows = [
        ok,
        bad(10, 姓名=""),
        bad(11, 身份证号码=""),
        bad(12, 身份证号码="3.60830198501012E+17"),
        bad(13, 身份证号码=_excel_rounded()),
        bad(14, 身份证号码="12345"),
        bad(15, 身份证号码="510104199002301234"),
        bad(16, 身份证号码=person(16)[:17] + ("0" if person(16)[17] != "0" else "1")),
        bad(17, 身份证号码=idnumber_make("990104")),
        ok[:],
        bad(18, 手机号码="12345"),
        bad(19, 入会时间="去年"),
        bad(20, 入会时间="2999-01-01"),
        bad(21, 性别="女" if int(person(21)[16]) % 2 else "男"),
        bad(22, 民族="火星族"),
        bad(23, 工作单位="单" * 201),
        bad(24, 身份证号码=elsewhere, 性别=""),
        bad(25, 身份证号码=ended, 性别=""),
        ["", "", "", "", "", "", "", "", "", "", ""],
        ["制表人：王五", "", "", "", "", "", "", "", "", "", ""],
    ]
    from gonghui.members.services import member_register

    former = member_register(org=world.sibling_grassroots, name="前会员", id_number=ended, joined_on=date(2020, 1, 1),
                             actor=None)
    membership_end(member=former, kind=MembershipChange.WITHDRAW, reason_code="5", on=date(2021, 1, 1), actor=None)
    result = roster_import(path=write_csv(tmp_path / "r.csv", rows, title="花名册"), org=org, actor=None)
    got = {(r.row, r.reason) for r in result.refused}
    # Row numbers as Excel shows them: title row 1, header row 2, first data row 3.
    assert got == {(4, "name_missing"), (5, "id_missing"), (6, "id_as_number"), (7, "id_as_number"),
                   (8, "id_format"), (9, "id_birth_date"), (10, "id_check_digit"), (11, "id_division"),
                   (12, "duplicate_in_file"), (13, "phone_format"), (14, "date_format"), (15, "date_future"),
                   (16, "gender_mismatch"), (17, "code_unknown"), (18, "text_too_long"), (19, "member_elsewhere"),
                   (20, "member_former")}
    assert result.accepted == 1
    by_reason = {r.reason: r for r in result.refused}
    assert by_reason["id_as_number"].message == ID_AS_NUMBER_MESSAGE
    assert "第3行" in by_reason["duplicate_in_file"].message
    assert "青羊区某医院工会" in by_reason["member_elsewhere"].message
    assert all(r.reason in REASONS and r.message for r in result.refused)
    assert not any(elsewhere in r.message or ended in r.message for r in result.refused)
    assert Member.objects.get(id_number_hash=id_number_index(elsewhere)).org_id == world.sibling_grassroots.pk


def _excel_rounded() -> str:
    """An ID as Excel shows it after storing it as a number: 15 significant digits, then zeros."""
    from gonghui.core import idnumber

    return next(p[:15] + "000" for p in (person(i) for i in range(100, 200))
                if idnumber.check_digit((p[:15] + "000")[:17]) != "0")


def idnumber_make(division):
    from gonghui.core import idnumber

    return idnumber.make(division, date(1990, 1, 1), 5)


def test_an_id_column_stored_as_numbers_is_refused_with_the_text_format_advice(world, tmp_path):
    rows = people_rows(2)
    rows[0][3] = float(rows[0][3][:15] + "000")
    rows[1][3] = int(rows[1][3][:15] + "000")
    result = roster_import(path=write_xlsx(tmp_path / "r.xlsx", rows), org=world.grassroots, actor=None)
    assert [(r.row, r.reason, r.message) for r in result.refused] == [
        (5, "id_as_number", ID_AS_NUMBER_MESSAGE), (6, "id_as_number", ID_AS_NUMBER_MESSAGE)]


def test_fullwidth_digits_stray_spaces_and_a_lowercase_x_are_accepted(world, tmp_path):
    pid = next(p for p in (person(i) for i in range(2000)) if p.endswith("X"))
    messy = " " + pid[:6] + " " + pid[6:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x "
    row = people_rows(1)[0]
    row[3], row[1], row[2] = messy, " 张　三 ", ""
    result = roster_import(path=write_csv(tmp_path / "r.csv", [row]), org=world.grassroots, actor=None)
    assert result.accepted == 1, result.refused
    assert Member.objects.get(id_number_hash=id_number_index(pid)).name == "张三"


def test_a_dry_run_checks_everything_and_changes_nothing(world, tmp_path):
    rows = people_rows(4) + [people_rows(1)[0]]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    before = fingerprint()
    result = roster_import(path=path, org=world.grassroots, actor=None, dry_run=True)
    assert changed_tables(before, fingerprint()) == []
    assert (result.dry_run, result.accepted, result.job_id) == (True, 4, None)
    assert [r.reason for r in result.refused] == ["duplicate_in_file"]


def test_importing_the_same_file_again_changes_nothing_but_the_jobs_audit(world, tmp_path):
    org = world.grassroots
    path = write_csv(tmp_path / "r.csv", people_rows(30), encoding="gbk")
    roster_import(path=path, org=org, actor=None, chunk_size=7)
    members, events = Member.objects.count(), MembershipEvent.objects.count()
    audits, count = AuditEvent.objects.count(), _member_count(org)
    again = roster_import(path=path, org=org, actor=None, chunk_size=7)
    assert (again.accepted, again.unchanged, again.refused) == (0, 30, [])
    assert (Member.objects.count(), MembershipEvent.objects.count(), _member_count(org)) == (members, events, count)
    assert AuditEvent.objects.count() == audits + 1
    assert AuditEvent.objects.filter(action="roster.import").count() == 2


def test_member_count_equals_the_live_count_after_an_import_in_many_chunks(world, tmp_path):
    org = world.grassroots
    roster_import(path=write_csv(tmp_path / "r.csv", people_rows(50)), org=org, actor=None, chunk_size=8)
    live = Member.objects.filter(org=org, status=MemberStatus.ACTIVE).count()
    assert _member_count(org) == live == 51


def test_progress_is_reported_after_every_chunk(world, tmp_path):
    seen = []
    roster_import(path=write_csv(tmp_path / "r.csv", people_rows(10)), org=world.grassroots, actor=None,
                  chunk_size=4, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(4, 10), (8, 10), (10, 10)]


def test_a_cadre_imports_into_their_subtree_only_and_an_auditor_never(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", people_rows(2))
    for who in ("other_county_cadre", "auditor", "stranger"):
        before = fingerprint()
        with pytest.raises(PermissionDenied):
            roster_import(path=path, org=world.grassroots, actor=world.users[who])
        assert changed_tables(before, fingerprint()) == []
    result = roster_import(path=path, org=world.grassroots, actor=world.county_cadre)
    assert result.accepted == 2
    assert AuditEvent.objects.get(action="roster.import").actor == world.county_cadre
    assert set(MembershipEvent.objects.filter(kind="1", org=world.grassroots, member__name__startswith="职工")
               .values_list("actor", flat=True)) == {world.county_cadre.pk}


def test_a_cadre_is_not_told_which_union_outside_their_scope_holds_a_person(world, tmp_path):
    row = people_rows(1)[0]
    row[3] = world.other_member.id_number  # in the sibling county, outside the grassroots chair's scope
    result = roster_import(path=write_csv(tmp_path / "r.csv", [row]), org=world.grassroots,
                           actor=world.grassroots_cadre, dry_run=True)
    assert result.refused[0].reason == "member_elsewhere"
    assert "青羊区" not in result.refused[0].message and "其他工会" in result.refused[0].message


def test_the_cli_prints_one_json_object(world, tmp_path, capsys):
    rows = people_rows(2) + [people_rows(1)[0]]
    path = write_csv(tmp_path / "r.csv", rows)
    call_command("roster", "import", str(path), "--org", world.grassroots.code, "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"] == 2 and out["unchanged"] == 0 and out["dry_run"] is False
    assert out["refused"] == [{"row": 4, "reason": "duplicate_in_file", "message": out["refused"][0]["message"]}]
    assert out["org"] == world.grassroots.code and len(out["file_sha256"]) == 64


def test_the_cli_summary_is_in_chinese_and_as_a_cadre_checks_permission(world, tmp_path, capsys):
    from django.core.management.base import CommandError

    path = write_csv(tmp_path / "r.csv", people_rows(2))
    with pytest.raises(CommandError):
        call_command("roster", "import", str(path), "--org", world.grassroots.code, "--as", "auditor")
    call_command("roster", "import", str(path), "--org", world.grassroots.code, "--dry-run",
                 "--as", "grassroots_cadre")
    out = capsys.readouterr().out
    assert "试运行" in out and "可新增会员 2 人" in out


def test_a_cadre_follows_an_import_of_their_scope_and_nobody_else_sees_it(world, tmp_path):
    from django.http import Http404

    from gonghui.roster.selectors import import_job_progress

    result = roster_import(path=write_csv(tmp_path / "r.csv", people_rows(3)), org=world.grassroots, actor=None)
    progress = import_job_progress(actor=world.county_cadre, job_id=result.job_id)
    assert (progress["status"], progress["rows_done"], progress["accepted"]) == ("done", 3, 3)
    with pytest.raises(Http404):
        import_job_progress(actor=world.other_county_cadre, job_id=result.job_id)


def test_a_second_process_on_the_same_unfinished_job_is_stopped_and_changes_nothing(world, tmp_path):
    from gonghui.roster.models import ImportJob
    from gonghui.roster.services import ImportConflict

    path = write_csv(tmp_path / "r.csv", people_rows(10))
    first = roster_import(path=path, org=world.grassroots, actor=None, chunk_size=4)
    job = ImportJob.objects.get(pk=first.job_id)
    # As if another process had taken the job and committed past where this one would start.
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, rows_done=4)
    job.refresh_from_db()
    job.rows_done = 0
    before = fingerprint()
    with pytest.raises(ImportConflict):
        roster_import(path=path, org=world.grassroots, actor=None, chunk_size=4, job=job)
    assert changed_tables(before, fingerprint()) == []


def test_an_unreadable_file_stops_the_command_with_a_chinese_message(world, tmp_path):
    from django.core.management.base import CommandError

    path = write_csv(tmp_path / "r.csv", [["x"]], header=["甲", "乙"])
    with pytest.raises(CommandError, match="没有找到表头行"):
        call_command("roster", "import", str(path), "--org", world.grassroots.code)
    assert not ImportJob.objects.exists()
