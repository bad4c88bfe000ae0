"""`gonghui stats rebuild [--org CODE]` · `gonghui stats check` · `gonghui stats fold`.

rebuild: recount the tallies of every node (or of one subtree's nodes) from the raw rows.
check:   compare every node's stock figures with a recount, and its month rows with its day rows; exit status 1 on
         any difference (the auditor's tool).
fold:    merge the unfolded tally rows into the folded rows and totals (also a periodic task, see tasks.py).
"""
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.models import Org
from gonghui.stats.check import differences
from gonghui.stats.figures import LABELS
from gonghui.stats.rebuild import rebuild
from gonghui.stats.tally import fold

SHOWN = 30


class Command(BaseCommand):
    help = "统计：重算、核对、合并统计台账"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        re = actions.add_parser("rebuild", help="从原始记录重新计算统计台账")
        re.add_argument("--org", help="只重算该工会组织编码及其下级的台账")
        actions.add_parser("check", help="逐个工会核对统计数与原始记录，有差异时退出码为1")
        actions.add_parser("fold", help="合并未合并的统计台账行")

    def handle(self, *args, action, **options):
        started = time.monotonic()
        if action == "rebuild":
            path = None
            if options.get("org"):
                org = Org.objects.filter(code=options["org"]).first()
                if org is None:
                    raise CommandError(f"没有编码为“{options['org']}”的工会组织")
                path = org.path
            rebuild(path=path)
            self.stdout.write(f"统计台账已重算（{time.monotonic() - started:.1f} 秒）")
        elif action == "fold":
            fold()
            self.stdout.write(f"统计台账已合并（{time.monotonic() - started:.1f} 秒）")
        else:
            found = differences()
            if not found:
                self.stdout.write(f"核对一致：全部工会的统计数与原始记录相符（{time.monotonic() - started:.1f} 秒）")
                return
            names = dict(Org.objects.filter(pk__in={d.org_id for d in found[:SHOWN]}).values_list("pk", "name"))
            for d in found[:SHOWN]:
                label = LABELS.get(d.key) or f"{d.key.removeprefix('born_')}年出生的在册会员"
                if d.month is None:
                    self.stdout.write(f"{names.get(d.org_id, d.org_id)}：{label} 台账 {d.stored}，原始记录 {d.counted}")
                else:
                    self.stdout.write(f"{names.get(d.org_id, d.org_id)}：{label} {d.month.year}年{d.month.month}月"
                                      f"月合计 {d.stored}，逐日合计 {d.counted}")
            if len(found) > SHOWN:
                self.stdout.write(f"……共 {len(found)} 处差异")
            sys.exit(1)
