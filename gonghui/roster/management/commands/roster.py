"""`gonghui roster import FILE --org CODE [--dry-run] [--json] [--as USERNAME]`: a roster file into a union;
`gonghui roster export --org CODE OUT.xlsx [--unmasked --reason TEXT] [--as USERNAME]`: a subtree's members out.

Runs as the system actor unless --as names a cadre, who must be allowed to manage the union. Killed midway,
the same command with the same file and union resumes from the last committed chunk.
"""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.orgs.models import Org
from gonghui.roster.export import roster_export
from gonghui.roster.parsing import RosterFileError
from gonghui.roster.services import ImportConflict, roster_import

SHOWN_REFUSALS = 20


class Command(BaseCommand):
    help = "花名册：从Excel或CSV文件批量导入会员"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        imp = actions.add_parser("import", help="导入花名册文件（xlsx、xls、csv）到一个工会")
        imp.add_argument("file", help="花名册文件")
        imp.add_argument("--org", required=True, help="工会组织编码")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        imp.add_argument("--json", action="store_true", help="以一个JSON对象输出结果")
        imp.add_argument("--as", dest="username", help="以该干部的身份导入（检查其权限）；默认系统身份")
        imp.add_argument("--chunk-size", type=int, default=5000, help="每个事务提交的行数（默认5000）")
        imp.add_argument("--progress", action="store_true", help="在标准错误输出上显示进度")
        exp = actions.add_parser("export", help="导出工会（含下级）的会员花名册为xlsx（全国模板列序，默认脱敏）")
        exp.add_argument("out", help="输出的xlsx文件")
        exp.add_argument("--org", required=True, help="工会组织编码")
        exp.add_argument("--unmasked", action="store_true", help="导出完整证件号码和手机号（须主席权限和理由）")
        exp.add_argument("--reason", default="", help="导出完整号码的理由（记入审计）")
        exp.add_argument("--as", dest="username", help="以该干部的身份导出（检查其权限）；默认系统身份")

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(**options)
        else:
            self._export(**options)

    def _export(self, *, out, org, unmasked, reason, username, **_options):
        union, actor = _union(org), _actor(username)
        try:
            result = roster_export(org=union, actor=actor, path=out, unmasked=unmasked, reason=reason)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "无权操作") from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        shown = "完整号码" if result.unmasked else "证件号码和手机号已脱敏"
        self.stdout.write(f"已导出 {result.rows:,} 名会员到 {result.path}（{shown}）")

    def _import(self, *, file, org, dry_run, json: bool, username, chunk_size, progress, **_options):
        union, actor = _union(org), _actor(username)
        report = None
        if progress:
            def report(done, total):
                sys.stderr.write(f"\r已处理 {done:,} / {total:,} 行")
                sys.stderr.flush()
        try:
            result = roster_import(path=file, org=union, actor=actor, dry_run=dry_run,
                                   chunk_size=max(1, chunk_size), progress=report)
        except RosterFileError as exc:
            raise CommandError(exc.message) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "无权操作") from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except ImportConflict as exc:
            raise CommandError(str(exc)) from None
        if progress:
            sys.stderr.write("\n")
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        mode = "（试运行，未写入数据库）" if result.dry_run else ""
        self.stdout.write(f"花名册导入{mode}：{union.name}（{union.code}）")
        if result.resumed_from_row:
            self.stdout.write(f"接续上次中断的导入，从第 {result.resumed_from_row:,} 个数据行之后继续")
        verb = "可新增" if result.dry_run else "新增"
        self.stdout.write(f"数据行 {result.rows_total:,}；{verb}会员 {result.accepted:,} 人；"
                          f"已在册未变 {result.unchanged:,} 人；拒绝 {len(result.refused):,} 行")
        for refusal in result.refused[:SHOWN_REFUSALS]:
            self.stdout.write(f"  第{refusal.row}行 [{refusal.reason}] {refusal.message}")
        if len(result.refused) > SHOWN_REFUSALS:
            self.stdout.write(f"  ……另有 {len(result.refused) - SHOWN_REFUSALS:,} 行被拒绝（用 --json 查看全部）")


def _union(code: str) -> Org:
    union = Org.objects.filter(code=code).first()
    if union is None:
        raise CommandError(f"找不到组织编码为“{code}”的工会")
    return union


def _actor(username: str | None):
    if not username:
        return None
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(f"找不到用户“{username}”")
    return actor


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
