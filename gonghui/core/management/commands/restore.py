"""`gonghui restore IN [--database-url URL] [--force]`: load a backup made by `gonghui backup`, then check it.

The target is the configured database unless --database-url names another; it must be empty (a new SQLite file,
a freshly created PostgreSQL database) unless --force. After loading, every table's row count and checksum are
recomputed and compared with the backup's manifest; any difference fails the command.
"""
from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from gonghui.core.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = "从 gonghui backup 生成的备份目录恢复数据库，并按清单核对各表行数和校验和"

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, metavar="IN", help="备份目录")
        parser.add_argument("--database-url", help="恢复到这个数据库（默认：当前配置的数据库）")
        parser.add_argument("--force", action="store_true", help="目标数据库不为空时仍然覆盖（请先停止服务）")

    def handle(self, *args, source, database_url, force, **options):
        target = Target(dj_database_url.parse(database_url) if database_url else connection.settings_dict)
        if not database_url:
            connection.close()  # the restore writes the file or database this process is connected to
        try:
            manifest = restore(source, target, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"已恢复并核对 {len(manifest['tables'])} 张表、{rows} 行（备份时间 {manifest['created_at']}）")
