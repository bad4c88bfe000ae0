"""`gonghui backup OUT`: a consistent copy of the whole database plus a manifest, into the new directory OUT.

SQLite through the online backup API, PostgreSQL through pg_dump (custom format) on an exported snapshot; both
while the server runs. See gonghui/core/backup.py and docs/operations.md.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份整个数据库到一个新目录（数据库文件 + 含各表行数和校验和的清单）"

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="备份目录（不存在或为空）")

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"已备份 {len(manifest['tables'])} 张表、{rows} 行到 {out}"
                          f"（{manifest['image']}，SHA-256 {manifest['image_sha256']}）")
