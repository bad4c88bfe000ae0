"""Roster files uploaded through the console: checked, then kept privately by content hash.

Kept under MEDIA_ROOT/roster/<first two hex digits>/<sha256><suffix>, a folder no URL serves, readable by the
server account only (0600 in a 0700 folder). The same bytes uploaded twice are stored once. Only .xlsx, .xls
and .csv are taken, and the first bytes must agree with the name: a renamed executable or a zip of anything
else is refused before a byte is written.
"""
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SUFFIXES = (".xlsx", ".xls", ".csv")
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF = 8192


@dataclass(frozen=True)
class StoredFile:
    relative: str  # path under MEDIA_ROOT, as ImportJob.stored_file keeps it
    sha256: str
    name: str  # the name the cadre's file had (for pages and the audit), at most 255 characters
    size: int


def max_bytes() -> int:
    return settings.GONGHUI_UPLOAD_MAX_MB * 1024 * 1024


def upload_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "roster"


def stored_path(relative: str) -> Path:
    """The file of a job; ValueError for a path that would leave the upload folder."""
    root = upload_root().resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if root not in path.parents:
        raise ValueError(relative)
    return path


def check_upload(upload) -> str:
    """The upload's suffix when it may be stored; ValidationError with a Chinese message otherwise."""
    if upload is None:
        raise ValidationError(_("请选择要导入的花名册文件"), code="required")
    name = os.path.basename(upload.name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(_("不支持的文件类型“%(s)s”：只能上传 xlsx、xls 或 csv 格式的花名册") % {
            "s": suffix or name or "?"}, code="type")
    if upload.size > max_bytes():
        raise ValidationError(_("文件太大（%(size).1f MB）：单个花名册文件不能超过 %(max)d MB，请拆分后分批导入") % {
            "size": upload.size / 1048576, "max": settings.GONGHUI_UPLOAD_MAX_MB}, code="size")
    if upload.size == 0:
        raise ValidationError(_("文件是空的，请检查后重新上传"), code="empty")
    upload.seek(0)
    head = upload.read(_SNIFF)
    upload.seek(0)
    if not _agrees(suffix, head):
        raise ValidationError(_("文件内容与扩展名“%(s)s”不符：请用Excel打开后另存为 xlsx 或 csv 再上传") % {
            "s": suffix}, code="type")
    return suffix


def _agrees(suffix: str, head: bytes) -> bool:
    if suffix == ".xlsx":
        return head.startswith(_ZIP)
    if suffix == ".xls":
        # Legacy BIFF in an OLE2 container, or an .xlsx someone renamed (calamine reads both).
        return head.startswith((_OLE2, _ZIP))
    # CSV is text: no NUL byte (UTF-16 and binaries have them) and no spreadsheet container.
    return not head.startswith((_ZIP, _OLE2)) and b"\x00" not in head


def store_upload(upload) -> StoredFile:
    """Write a checked upload to its content-hash path (atomically; once per distinct content)."""
    suffix = check_upload(upload)
    folder = upload_root()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        target_dir = folder / sha[:2]
        target_dir.mkdir(exist_ok=True, mode=0o700)
        target = target_dir / f"{sha}{suffix}"
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    relative = target.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    name = os.path.basename(upload.name)[:255]
    return StoredFile(relative=relative, sha256=sha, name=name, size=size)
