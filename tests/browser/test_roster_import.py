"""A roster import in a real browser: upload on the org page → the queued job's progress bar → the worker runs
the job → the page turns into the result, on a desktop; the result page fits a phone too.

The test thread plays the worker: it takes the job off the (in-memory) queue and runs it while the browser
keeps polling. Every browser request passes through the watched page's guard in this thread, so no request
reaches the live server while the job writes (they share one SQLite connection).
"""
import re

import pytest

from gonghui.core.testing import tasks
from gonghui.roster.models import ImportJob, JobStatus
from gonghui.roster.tests.files import people_rows, write_xlsx
from tests.browser.test_console_pages import sign_in

pytestmark = pytest.mark.browser


def _roster(tmp_path):
    rows = people_rows(12)
    rows[4][1] = ""  # no name
    rows[9][3] = rows[9][3][:17] + ("0" if rows[9][3][17] != "0" else "1")  # wrong check digit
    return write_xlsx(tmp_path / "锦江区某科技公司工会花名册.xlsx", rows)


def test_a_cadre_uploads_a_roster_watches_its_progress_and_reads_the_result(desktop, town, tmp_path):
    tasks.queued()
    sign_in(desktop, "county_cadre")
    desktop.goto(f"/console/orgs/{town.grassroots.pk}/")
    desktop.page.get_by_role("button", name="导入花名册").click()
    desktop.page.get_by_label("花名册文件").set_input_files(str(_roster(tmp_path)))
    desktop.page.get_by_role("button", name="上传并开始导入").click()

    desktop.page.wait_for_url(re.compile(r"/console/roster/jobs/\d+/$"))
    bar = desktop.page.locator("#job-progress")
    assert "排队中" in bar.inner_text()
    assert desktop.page.locator("#job-progress progress").is_visible()
    # a poll of the progress bar comes back while the job still waits
    with desktop.page.expect_response(re.compile(r"/progress/$")):
        pass
    job = ImportJob.objects.get()
    assert job.status == JobStatus.QUEUED

    assert tasks.run_queued() == 1

    desktop.page.locator("[data-count=accepted]").wait_for()
    counts = {key: desktop.page.locator(f"[data-count={key}]").inner_text() for key in ("accepted", "refused")}
    assert counts["accepted"].startswith("10") and counts["refused"].startswith("2")
    table = desktop.page.locator("table.refusals")
    assert "姓名为空" in table.inner_text() and table.locator("tbody tr").count() == 2
    assert desktop.page.locator("#job-progress").count() == 0
    with desktop.page.expect_download() as download:
        desktop.page.get_by_role("button", name="下载拒绝行").click()
    assert download.value.suggested_filename.endswith("拒绝行.xlsx")
    desktop.screenshot("roster-import-result")
    desktop.page.wait_for_load_state("networkidle")


def test_the_result_page_fits_a_phone(phone, town, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.roster.jobs import import_job_create, import_job_run

    path = _roster(tmp_path)
    job = import_job_create(org=town.grassroots, upload=SimpleUploadedFile(path.name, path.read_bytes()),
                            dry_run=False, actor=town.county_cadre)
    import_job_run(job_id=job.pk)
    tasks.queued()
    sign_in(phone, "county_cadre")

    phone.goto(f"/console/roster/jobs/{job.pk}/")

    assert phone.page.get_by_role("button", name="下载拒绝行").is_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.page.wait_for_load_state("networkidle")
