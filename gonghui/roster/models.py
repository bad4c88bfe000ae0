"""Roster import jobs: the checkpoint that lets a killed import resume, and the rows it refused."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    # A console dry run at work: its own status, so that it never takes the one "running" slot of a file and
    # union, and roster_import never resumes it as a real import.
    CHECKING = "checking", _("试导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未完成")


class JobPhase(models.TextChoices):
    """What a console job is doing now, for the progress bar."""
    NONE = "", _("—")
    READING = "reading", _("读取文件")
    ROWS = "rows", _("逐行校验")
    FINISHING = "finishing", _("汇总结果")


class ImportJob(models.Model):
    """One import of one file (by its SHA-256) into one union.

    Each chunk of members commits together with this row's counters, so after a crash the row says exactly
    which data rows are in the database: a new run of the same file into the same union takes the unfinished
    job and goes on after `rows_done`. At most one unfinished job per file and union (a partial unique index).
    """

    org = models.ForeignKey("orgs.Org", verbose_name=_("导入工会"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.RUNNING)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    checkpoint_row = models.PositiveIntegerField(
        _("检查点（表格行号）"), default=0, help_text=_("最后一个已提交数据行在表格中的行号（Excel显示的行号）"))
    accepted = models.PositiveIntegerField(_("新增会员"), default=0)
    unchanged = models.PositiveIntegerField(_("已在册未变"), default=0)
    refused = models.PositiveIntegerField(_("拒绝行数"), default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    # Console jobs only (the command line reads the file where it lies): the upload, kept privately under
    # MEDIA_ROOT by content hash, as a path relative to it (roster.uploads).
    stored_file = models.CharField(_("上传文件"), max_length=200, blank=True)
    dry_run = models.BooleanField(_("试导入"), default=False)
    phase = models.CharField(_("阶段"), max_length=10, choices=JobPhase.choices, default=JobPhase.NONE, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("花名册导入任务")
        verbose_name_plural = _("花名册导入任务")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "file_sha256"], condition=Q(status="running"),
                                    name="roster_one_running_job_per_file",
                                    violation_error_message=_("该文件正在导入到这个工会")),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.org_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class ImportRefusal(models.Model):
    """A data row the import refused: its row number as Excel shows it, a reason code and a Chinese message.

    Messages never hold an ID or phone number."""

    job = models.ForeignKey(ImportJob, verbose_name=_("导入任务"), on_delete=models.CASCADE, related_name="refusals")
    row = models.PositiveIntegerField(_("行号"))
    reason = models.CharField(_("原因代码"), max_length=32)
    message = models.CharField(_("说明"), max_length=300)

    class Meta:
        verbose_name = _("导入拒绝行")
        verbose_name_plural = _("导入拒绝行")
        ordering = ["job", "row"]
        constraints = [models.UniqueConstraint(fields=["job", "row"], name="roster_refusal_one_per_row")]

    def __str__(self) -> str:
        return f"{self.row}: {self.reason}"
