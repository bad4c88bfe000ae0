"""Roster import in the console: upload → a queued job → the worker runs it → the result and the refused rows."""
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook, load_workbook

from gonghui.core.models import AuditEvent
from gonghui.core.testing import tasks
from gonghui.core.testing.state import changed_tables, fingerprint
from gonghui.members.models import Member
from gonghui.members.records import id_number_index
from gonghui.roster.models import ImportJob, JobStatus
from gonghui.roster.tests.files import HEADER, people_rows, person, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def upload_url(org) -> str:
    return f"/console/orgs/{org.pk}/roster/import/"


def job_url(job, tail: str = "") -> str:
    return f"/console/roster/jobs/{job.pk}/{tail}"


def with_refusals(count: int = 4) -> list[list]:
    """`count` good rows, then a row without a name and a row whose ID check digit is wrong."""
    rows = people_rows(count)
    nameless = people_rows(1, start=100)[0]
    nameless[1] = ""
    wrong = people_rows(1, start=101)[0]
    wrong[3] = wrong[3][:17] + ("0" if wrong[3][17] != "0" else "1")
    return rows + [nameless, wrong]


def upload(client, org, path: Path, *, capture, dry_run: bool = False, name: str | None = None):
    data = {"org": org.pk, "file": _named(path, name)}
    if dry_run:
        data["dry_run"] = "1"
    with capture(execute=True):
        return client.post(upload_url(org), data)


def _named(path: Path, name: str | None):
    handle = io.BytesIO(path.read_bytes())
    handle.name = name or path.name
    return handle


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "roster"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def empty_queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's uploads only
    tasks.queued()
    yield
    tasks.queued()


def test_an_upload_is_only_queued_and_the_worker_s_result_equals_the_file(world, client, tmp_path,
                                                                        django_capture_on_commit_callbacks):
    org = world.grassroots
    path = write_xlsx(tmp_path / "科技公司花名册.xlsx", with_refusals(4))
    members_before = Member.objects.count()
    client.force_login(world.county_cadre)

    response = upload(client, org, path, capture=django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    # Nothing imported inside the request: the job waits on the queue for the worker.
    assert (job.status, job.actor, job.org, job.dry_run) == (JobStatus.QUEUED, world.county_cadre, org, False)
    assert job.file_name == "科技公司花名册.xlsx" and Member.objects.count() == members_before
    waiting = client.get(job_url(job))
    assert "排队中" in waiting.content.decode() and 'hx-get="/console/roster/jobs/' in waiting.content.decode()
    messages = tasks.queued()
    assert messages == [tasks.Queued("roster.run_import_job", [job.pk], {})]

    tasks.run(messages)

    job.refresh_from_db()
    # rows below the header: six people, then the blank row, 合计 and 制表人 of the footer
    assert (job.status, job.rows_total, job.rows_done) == (JobStatus.DONE, 9, 9)
    assert (job.accepted, job.unchanged, job.refused) == (4, 0, 2)
    assert Member.objects.count() == members_before + 4
    assert Member.objects.filter(id_number_hash=id_number_index(person(3)), org=org).exists()
    page = client.get(job_url(job))
    html = page.content.decode()
    assert page.status_code == 200 and "下载拒绝行" in html and "hx-get" not in html
    assert [(r.row, r.reason) for r in page.context["page"].rows] == [(9, "name_missing"), (10, "id_check_digit")]
    assert "姓名为空" in html
    actions = set(AuditEvent.objects.filter(object_type="roster.importjob", object_id=str(job.pk))
                  .values_list("action", flat=True))
    assert actions == {"roster.upload", "roster.import"}
    upload_event = AuditEvent.objects.get(action="roster.upload")
    assert upload_event.actor == world.county_cadre and upload_event.after["file_sha256"] == job.file_sha256


def test_the_refused_rows_come_back_with_a_reason_column_and_import_once_fixed(world, client, tmp_path,
                                                                              django_capture_on_commit_callbacks):
    org = world.grassroots
    rows = with_refusals(3)
    client.force_login(world.grassroots_cadre)
    upload(client, org, write_xlsx(tmp_path / "r.xlsx", rows), capture=django_capture_on_commit_callbacks)
    tasks.run_queued()
    job = ImportJob.objects.get()

    response = client.get(job_url(job, "refused.xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == HEADER + ["拒绝原因"]
    assert [r[1] for r in got[1:]] == [None, rows[4][1]]  # the nameless row, then the wrong check digit
    assert [r[3] for r in got[1:]] == [rows[3][3], rows[4][3]]
    assert "姓名" in got[1][-1] and "校验" in got[2][-1]
    assert AuditEvent.objects.filter(action="roster.refused_download", object_id=str(job.pk)).count() == 1

    # the cadre fixes both rows in the downloaded workbook and imports it as it is
    fixed = Workbook()
    sheet = fixed.active
    sheet.append(got[0])
    for row in got[1:]:
        sheet.append(row)
    sheet.cell(row=2, column=2, value="补上的姓名")
    sheet.cell(row=3, column=4, value=person(101))
    fixed_path = tmp_path / "r-拒绝行-已改.xlsx"
    fixed.save(fixed_path)
    upload(client, org, fixed_path, capture=django_capture_on_commit_callbacks)
    tasks.run_queued()

    again = ImportJob.objects.order_by("-id").first()
    assert (again.status, again.accepted, again.refused) == (JobStatus.DONE, 2, 0)
    assert Member.objects.filter(org=org, name="补上的姓名").exists()
    assert Member.objects.filter(id_number_hash=id_number_index(person(101))).exists()


def test_a_dry_run_shows_what_would_happen_and_registers_nobody(world, client, tmp_path,
                                                               django_capture_on_commit_callbacks):
    client.force_login(world.county_cadre)
    before = Member.objects.count()

    upload(client, world.grassroots, write_csv(tmp_path / "r.csv", with_refusals(2), encoding="gbk"),
           capture=django_capture_on_commit_callbacks, dry_run=True)
    assert tasks.run_queued() == 1

    job = ImportJob.objects.get()
    assert (job.dry_run, job.status, job.accepted, job.refused, job.rows_done) == (True, JobStatus.DONE, 2, 2, 4)
    assert Member.objects.count() == before
    html = client.get(job_url(job)).content.decode()
    assert "可新增会员" in html and "试导入" in html
    assert client.get(job_url(job, "refused.xlsx")).status_code == 200


def test_an_oversize_upload_is_refused_in_chinese_and_nothing_is_kept(world, client, tmp_path, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.GONGHUI_UPLOAD_MAX_MB = 1
    big = tmp_path / "big.csv"
    write_csv(big, people_rows(20_000))
    assert big.stat().st_size > 1024 * 1024
    client.force_login(world.county_cadre)
    before = fingerprint()

    response = upload(client, world.grassroots, big, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 422
    assert "文件太大" in response.content.decode() and "1 MB" in response.content.decode()
    assert changed_tables(before, fingerprint()) == []
    assert stored_files() == [] and tasks.queued() == []


@pytest.mark.parametrize("name, content", [
    ("名单.exe", b"MZ\x90\x00binary"),
    ("名单.docx", b"PK\x03\x04 a word file"),
    ("名单.xlsx", "姓名,身份证号\n张三,1\n".encode()),  # text renamed to .xlsx
    ("名单.csv", b"PK\x03\x04 a zip renamed to .csv"),
    ("名单.csv", b""),
])
def test_a_file_of_the_wrong_type_is_refused_in_chinese_and_nothing_is_kept(world, client, tmp_path, name, content,
                                                                            django_capture_on_commit_callbacks):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    client.force_login(world.county_cadre)
    before = fingerprint()

    response = upload(client, world.grassroots, path, capture=django_capture_on_commit_callbacks, name=name)

    assert response.status_code == 422
    text = response.content.decode()
    assert any(words in text for words in ("不支持的文件类型", "与扩展名", "文件是空的")), text
    assert changed_tables(before, fingerprint()) == []
    assert stored_files() == [] and tasks.queued() == []


def test_a_missing_csrf_token_is_still_refused(world, tmp_path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.county_cadre)
    path = write_csv(tmp_path / "r.csv", people_rows(1))

    response = strict.post(upload_url(world.grassroots), {"org": world.grassroots.pk, "file": _named(path, None)})

    assert response.status_code == 403 and not ImportJob.objects.exists() and stored_files() == []


def test_out_of_scope_cadres_get_404_and_an_auditor_403_on_every_job_page(world, client, tmp_path,
                                                                         django_capture_on_commit_callbacks):
    client.force_login(world.grassroots_cadre)
    upload(client, world.grassroots, write_xlsx(tmp_path / "r.xlsx", with_refusals(1)),
           capture=django_capture_on_commit_callbacks)
    tasks.run_queued()
    job = ImportJob.objects.get()
    pages = [job_url(job), job_url(job, "progress/"), job_url(job, "refused.xlsx")]
    org_pages = [f"/console/orgs/{world.grassroots.pk}/roster/", upload_url(world.grassroots)]

    client.force_login(world.other_county_cadre)
    for url in pages + org_pages:
        assert client.get(url).status_code == 404, url
    assert client.post(job_url(job, "resume/")).status_code == 404

    client.force_login(world.auditor)  # sees the union, may not import into it
    for url in pages + org_pages:
        assert client.get(url).status_code == 403, url
    assert AuditEvent.objects.filter(action="roster.refused_download").count() == 0


def test_an_upload_into_a_union_outside_the_form_s_choices_is_refused(world, client, tmp_path,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(world.county_cadre)
    path = write_csv(tmp_path / "r.csv", people_rows(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(world.county), {"org": world.sibling_grassroots.pk,
                                                          "file": _named(path, None)})

    assert response.status_code == 422 and "请选择要导入到的工会" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_progress_bar_counts_rows_and_turns_into_the_result(world, client, tmp_path,
                                                               django_capture_on_commit_callbacks):
    client.force_login(world.county_cadre)
    upload(client, world.grassroots, write_csv(tmp_path / "r.csv", people_rows(5)),
           capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, phase="rows", rows_done=2, rows_total=5)

    bar = client.get(job_url(job, "progress/"), HTTP_HX_REQUEST="true")

    html = bar.content.decode()
    assert 'value="2" max="5"' in html and "40%" in html and "逐行校验" in html and "已处理 2 / 5 行" in html
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, phase="", rows_done=0, rows_total=0)
    tasks.run_queued()
    done = client.get(job_url(job, "progress/"), HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done["HX-Refresh"] == "true"


def test_the_org_page_links_to_the_import_for_managing_cadres_only(world, client):
    client.force_login(world.county_cadre)
    assert upload_url(world.grassroots) in client.get(f"/console/orgs/{world.grassroots.pk}/").content.decode()
    client.force_login(world.auditor)
    assert upload_url(world.grassroots) not in client.get(f"/console/orgs/{world.grassroots.pk}/").content.decode()


def test_the_jobs_list_shows_the_union_s_imports(world, client, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(world.county_cadre)
    upload(client, world.grassroots, write_csv(tmp_path / "一月.csv", people_rows(2)),
           capture=django_capture_on_commit_callbacks)
    upload(client, world.industry, write_csv(tmp_path / "快递.csv", people_rows(2, start=50)),
           capture=django_capture_on_commit_callbacks)

    html = client.get(f"/console/orgs/{world.grassroots.pk}/roster/").content.decode()

    assert "一月.csv" in html and "快递.csv" not in html and "排队中" in html
