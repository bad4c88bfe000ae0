"""`gonghui audit seal|verify|purge`: the hash chain over audit events and their retention.

    gonghui audit seal [--full]                 chain the events older than the lag (beat does this every minute)
    gonghui audit verify                        recompute the chain; exit code 1 on any edit, deletion or break
    gonghui audit purge --before 2025-01-01 [--archive DIR]
                                                archive and delete events older than the retention (≥ 180 days)

See gonghui/core/audit_seal.py and docs/operations.md.
"""
import getpass
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.core import audit_purge, audit_seal


def _date(value: str) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(BaseCommand):
    help = "审计日志：封存（哈希链）、校验、按保存期限清理"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        seal = actions.add_parser("seal", help="把已提交且超过封存延迟的审计事件链入哈希链")
        seal.add_argument("--full", action="store_true", help="检查全表而非最近的时间窗（长时间停机之后使用）")
        actions.add_parser("verify", help="重新计算哈希链，报告被修改、被删除或未封存的事件")
        purge = actions.add_parser("purge", help="归档并删除超过保存期限的审计事件")
        purge.add_argument("--before", required=True, type=_date, help="清理此日期（YYYY-MM-DD，含当地零点）之前的事件")
        purge.add_argument("--archive", type=Path, default=None,
                           help="归档文件所在目录，默认为数据目录下的 audit-archive/")

    def handle(self, *args, action, **options):
        if action == "seal":
            n = audit_seal.seal(full=options["full"])
            self.stdout.write(f"已封存 {n} 条审计事件")
        elif action == "verify":
            report = audit_seal.verify()
            for line in report.lines():
                self.stdout.write(line)
            if report.tampered:
                raise CommandError("审计日志校验未通过")
        elif action == "purge":
            archive = options["archive"] or Path(settings.DATA_DIR) / "audit-archive"
            try:
                record = audit_purge.purge(before=options["before"], archive_dir=archive,
                                           actor=f"gonghui audit purge ({getpass.getuser()})")
            except audit_purge.PurgeRefused as refused:
                raise CommandError(str(refused)) from None
            self.stdout.write(f"已归档并删除 {record.events} 条审计事件（封存序号至 {record.up_to_sequence}）："
                              f"{record.archive}，SHA-256 {record.archive_sha256}")
