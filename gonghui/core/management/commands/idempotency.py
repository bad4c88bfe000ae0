"""`gonghui idempotency purge [--hours 24]`: forget the stored first answers of API writes (Idempotency-Key).

A client retries within minutes, not days; a day of records covers every honest retry and keeps the table
small. After a purge the same key may be used again for a new request.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.core.models import IdempotencyRecord

DEFAULT_HOURS = 24


def purge(*, older_than: timedelta = timedelta(hours=DEFAULT_HOURS)) -> int:
    """Delete the records older than `older_than`; returns how many went."""
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


class Command(BaseCommand):
    help = "管理接口幂等请求记录（Idempotency-Key）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        purge_parser = actions.add_parser("purge", help="删除早于指定小时数的幂等请求记录")
        purge_parser.add_argument("--hours", type=int, default=DEFAULT_HOURS,
                                  help=f"保留最近多少小时的记录，默认{DEFAULT_HOURS}")

    def handle(self, *args, action, **options):
        if action == "purge":
            hours = options["hours"]
            if hours < 1:
                raise CommandError("保留小时数至少为1")
            n = purge(older_than=timedelta(hours=hours))
            self.stdout.write(f"已删除{n}条早于{hours}小时的幂等请求记录")
