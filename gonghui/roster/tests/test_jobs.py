"""Console import jobs (roster.jobs): stored uploads, the worker's run, failures, resuming, a second delivery."""
import stat
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.models import Role
from gonghui.core.models import AuditEvent
from gonghui.core.testing import tasks
from gonghui.members.models import Member
from gonghui.roster import jobs
from gonghui.roster.models import ImportJob, JobStatus
from gonghui.roster.services import roster_import
from gonghui.roster.tests.files import people_rows, write_csv
from gonghui.roster.uploads import stored_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    tasks.queued()
    yield settings.MEDIA_ROOT
    tasks.queued()


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def _queued_job(world, path, *, dry_run=False):
    return jobs.import_job_create(org=world.grassroots, upload=_upload(path), dry_run=dry_run,
                                  actor=world.county_cadre)


def test_an_upload_is_kept_once_by_its_hash_readable_by_the_server_only(world, tmp_path, media, settings):
    path = write_csv(tmp_path / "名单.csv", people_rows(3))

    first = _queued_job(world, path)
    second = _queued_job(world, path)

    assert first.stored_file == second.stored_file and first.file_sha256 == second.file_sha256
    stored = stored_path(first.stored_file)
    assert stored.read_bytes() == path.read_bytes()
    assert stored.name == f"{first.file_sha256}.csv" and media.resolve() in stored.parents
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert Path(settings.STATIC_ROOT).resolve() not in stored.parents
    assert len([p for p in (media / "roster").rglob("*") if p.is_file()]) == 1
    assert (first.file_name, first.status) == ("名单.csv", JobStatus.QUEUED)


def test_a_job_is_queued_only_once_its_row_has_committed(world, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _queued_job(world, write_csv(tmp_path / "r.csv", people_rows(1)))
        assert tasks.queued() == []  # still inside the transaction: nothing on the queue yet

    for callback in callbacks:
        callback()
    assert tasks.queued() == [tasks.Queued("roster.run_import_job", [job.pk], {})]


def test_only_a_cadre_who_manages_the_union_may_upload_and_nothing_is_stored_otherwise(world, tmp_path, media):
    path = write_csv(tmp_path / "r.csv", people_rows(1))

    with pytest.raises(PermissionDenied):
        jobs.import_job_create(org=world.grassroots, upload=_upload(path), dry_run=False, actor=world.auditor)
    with pytest.raises(PermissionDenied):
        jobs.import_job_create(org=world.grassroots, upload=_upload(path), dry_run=False,
                               actor=world.other_county_cadre)

    assert not ImportJob.objects.exists() and not (media / "roster").exists()


def test_a_job_killed_midway_keeps_its_checkpoint_and_resumes_to_exactly_the_file(
        world, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(jobs, "CHUNK_SIZE", 2)
    job = _queued_job(world, write_csv(tmp_path / "r.csv", people_rows(5)))
    before = Member.objects.count()
    real_progress = jobs._progress

    def dies_after_first_chunk(job, *, dry_run):
        report = real_progress(job, dry_run=dry_run)

        def once(done, total):
            report(done, total)
            raise RuntimeError("worker lost")

        return once

    monkeypatch.setattr(jobs, "_progress", dies_after_first_chunk)
    with pytest.raises(RuntimeError):
        jobs.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.accepted, job.rows_total) == (JobStatus.FAILED, 2, 2, 5)
    assert "继续导入" in job.error
    assert Member.objects.count() == before + 2

    monkeypatch.setattr(jobs, "_progress", real_progress)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_resume(job=job, actor=world.county_cadre)
    assert tasks.run_queued() == 1

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.accepted, job.unchanged, job.refused) == (JobStatus.DONE, 5, 5, 0, 0)
    assert Member.objects.count() == before + 5
    assert AuditEvent.objects.filter(action="roster.import", object_id=str(job.pk)).count() == 1
    assert AuditEvent.objects.filter(action="roster.resume", object_id=str(job.pk)).count() == 1


def test_a_second_delivery_of_a_finished_job_changes_nothing(world, tmp_path):
    job = _queued_job(world, write_csv(tmp_path / "r.csv", people_rows(3)))
    jobs.import_job_run(job_id=job.pk)
    members, events = Member.objects.count(), AuditEvent.objects.count()

    jobs.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.accepted) == (JobStatus.DONE, 3)
    assert (Member.objects.count(), AuditEvent.objects.count()) == (members, events)
    with pytest.raises(ValidationError):
        jobs.import_job_resume(job=job, actor=world.county_cadre)


def test_a_file_already_being_imported_into_the_union_is_not_imported_twice(world, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "r.csv", people_rows(4))
    # the command line was killed midway through the same file and union: its job still holds the file
    monkeypatch.setattr("gonghui.roster.services.insert_members", _die)
    with pytest.raises(RuntimeError):
        roster_import(path=path, org=world.grassroots, actor=None)
    cli_job = ImportJob.objects.get(status=JobStatus.RUNNING)
    monkeypatch.undo()

    job = _queued_job(world, path)
    jobs.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and f"#{cli_job.pk}" in job.error
    assert Member.objects.filter(org=world.grassroots).count() == 1  # the personas' own member only


def _die(*args, **kwargs):
    raise RuntimeError("killed")


def test_a_missing_file_or_a_revoked_role_ends_the_job_with_a_chinese_reason(world, tmp_path):
    gone = _queued_job(world, write_csv(tmp_path / "a.csv", people_rows(1)))
    stored_path(gone.stored_file).unlink()
    revoked = _queued_job(world, write_csv(tmp_path / "b.csv", people_rows(1, start=5)))

    jobs.import_job_run(job_id=gone.pk)
    Role.objects.filter(user=world.county_cadre).delete()
    jobs.import_job_run(job_id=revoked.pk)

    gone.refresh_from_db()
    revoked.refresh_from_db()
    assert (gone.status, gone.error) == (JobStatus.FAILED, "上传的文件已不在服务器上，请重新上传")
    assert revoked.status == JobStatus.FAILED and "无权" in revoked.error


def test_a_file_without_a_header_row_ends_the_job_with_the_parser_s_message(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("随便写的,内容\n1,2\n", encoding="utf-8")
    job = _queued_job(world, path)

    jobs.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "没有找到表头行" in job.error


def test_a_dry_run_job_never_takes_the_file_s_running_slot(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", people_rows(3))
    dry = _queued_job(world, path, dry_run=True)
    real = _queued_job(world, path)

    jobs.import_job_run(job_id=dry.pk)
    jobs.import_job_run(job_id=real.pk)

    dry.refresh_from_db()
    real.refresh_from_db()
    assert (dry.status, dry.accepted, real.status, real.accepted) == (JobStatus.DONE, 3, JobStatus.DONE, 3)
    assert AuditEvent.objects.filter(action="roster.dry_run", object_id=str(dry.pk)).count() == 1


def test_a_broker_that_cannot_be_reached_leaves_the_job_queued_for_a_later_resume(world, tmp_path, monkeypatch,
                                                                                 django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from gonghui.roster.tasks import run_import_job

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_import_job, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = _queued_job(world, write_csv(tmp_path / "r.csv", people_rows(2)))

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and tasks.queued() == []
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_resume(job=job, actor=world.county_cadre)
    assert tasks.run_queued() == 1
    job.refresh_from_db()
    assert (job.status, job.accepted) == (JobStatus.DONE, 2)


def test_the_refused_rows_workbook_escapes_formulas_and_keeps_only_refused_rows(world, tmp_path):
    import io

    from openpyxl import load_workbook

    from gonghui.roster.refused import refused_workbook

    rows = people_rows(4)
    rows[1][1] = ""  # refused: no name
    rows[1][10] = "=HYPERLINK(\"http://x\",\"点我\")"
    rows[3][4] = "+86 139"  # refused: not a phone number
    job = _queued_job(world, write_csv(tmp_path / "r.csv", rows, title="某公司会员名单"))
    jobs.import_job_run(job_id=job.pk)
    job.refresh_from_db()

    out, written = refused_workbook(job=job, actor=world.county_cadre)

    sheet = load_workbook(io.BytesIO(out.read()), read_only=True).active
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert written == 2 and len(got) == 3 and got[0][-1] == "拒绝原因"
    assert got[1][10] == "'=HYPERLINK(\"http://x\",\"点我\")" and got[2][4] == "'+86 139"
    assert [r[3] for r in got[1:]] == [rows[1][3], rows[3][3]]
    with pytest.raises(PermissionDenied):
        refused_workbook(job=job, actor=world.auditor)
