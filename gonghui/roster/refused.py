"""The refused rows of a console import as a workbook the cadre can fix and import again.

The rows are read again from the stored upload by their spreadsheet row numbers, with the file's own header
cells, and a last column 拒绝原因 holding the Chinese reason. The import ignores a column it does not know,
so the corrected workbook imports as it is. File and refusals are both walked in row order and merged, so
memory stays flat however many rows were refused (openpyxl write-only). Cells a spreadsheet would run as a
formula are escaped like the export's (export.safe_cell).

The workbook holds the numbers the cadre uploaded, unmasked: they are needed to fix the rows. It is given only
to a cadre who may manage the union, and every download is audited.
"""
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.orgs.permissions import can_manage_org
from gonghui.roster.export import safe_cell
from gonghui.roster.models import ImportJob, JobStatus
from gonghui.roster.parsing import open_roster
from gonghui.roster.uploads import stored_path

REASON_HEADER = "拒绝原因"


def refused_workbook(*, job: ImportJob, actor):
    """(an open temporary file holding the .xlsx, rows written). Raises PermissionDenied, ValidationError and
    parsing.RosterFileError."""
    if not can_manage_org(actor, job.org):
        raise PermissionDenied(_("无权查看该工会的导入结果"))
    if job.status != JobStatus.DONE or not job.refused:
        raise ValidationError(_("该任务没有被拒绝的行"))
    if not job.stored_file:
        raise ValidationError(_("该任务是在命令行中运行的，服务器上没有保存原文件"))
    try:
        path = stored_path(job.stored_file)
        roster = open_roster(path)
    except (ValueError, FileNotFoundError):
        raise ValidationError(_("上传的原文件已不在服务器上")) from None
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("拒绝行")))
    refusals = job.refusals.order_by("row").values_list("row", "message").iterator(chunk_size=2000)
    wanted = next(refusals, None)
    width, written = 0, 0
    for number, cells in roster.source.rows():
        if number == roster.header_row:
            width = _width(cells)
            sheet.append([safe_cell(c) for c in _fit(cells, width)] + [REASON_HEADER])
            continue
        if number < roster.header_row:
            continue
        while wanted is not None and wanted[0] < number:
            wanted = next(refusals, None)  # a row number the file no longer has: nothing to copy
        if wanted is None:
            break
        if wanted[0] == number:
            sheet.append([safe_cell(c) for c in _fit(cells, width)] + [wanted[1]])
            written += 1
            wanted = next(refusals, None)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(out)
    out.seek(0)
    with transaction.atomic():
        audit.record(actor=actor, action="roster.refused_download", obj=job, org_path=job.org.path,
                     after={"file_sha256": job.file_sha256, "rows": written})
    return out, written


def _width(header: list) -> int:
    """Columns up to the header's last named cell (calamine pads every row to the sheet's width)."""
    width = len(header)
    while width and header[width - 1] in (None, ""):
        width -= 1
    return width


def _fit(cells: list, width: int) -> list:
    cells = [None if c == "" else c for c in cells[:width]]
    return cells + [None] * (width - len(cells))
