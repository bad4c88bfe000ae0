"""`gonghui privacy doc [--check]`: write the privacy register (gonghui.core.privacy) into docs/privacy.md.

`gonghui privacy unclassified` lists model fields the register does not classify yet (a new field must get a
class before it ships; the test suite fails until it has one).
"""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gonghui.core import privacy

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"


class Command(BaseCommand):
    help = "个人信息分类登记（docs/privacy.md）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        doc = actions.add_parser("doc", help="把字段分类登记写入 docs/privacy.md")
        doc.add_argument("--check", action="store_true", help="只检查文档是否与登记一致，不一致时退出码为1")
        actions.add_parser("unclassified", help="列出尚未分类的模型字段")

    def handle(self, *args, action, **options):
        if action == "unclassified":
            missing = privacy.unclassified()
            for name in missing:
                self.stdout.write(name)
            if missing:
                raise CommandError(f"{len(missing)}个字段尚未在 gonghui/core/privacy.py 中分类")
            return
        current = DOC.read_text(encoding="utf-8")
        wanted = privacy.with_register(current)
        if options["check"]:
            if wanted != current:
                raise CommandError("docs/privacy.md 与 gonghui/core/privacy.py 不一致：请运行 gonghui privacy doc")
            self.stdout.write("docs/privacy.md 与登记一致")
            return
        DOC.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"已写入 {DOC}")
