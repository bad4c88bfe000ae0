"""`gonghui user disable USERNAME --reason 原因`: stop an account at once, from the server's command line.

For the operator (the system is the actor, as for `gonghui api_token create`); in the console the security
administrator does the same from the account's page. Both call accounts.services.user_disable.
"""
from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.accounts.services import user_disable


class Command(BaseCommand):
    help = "管理用户账号"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        disable = actions.add_parser("disable", help="停用账号：立即结束其全部登录会话并吊销其全部API令牌")
        disable.add_argument("username", help="要停用的用户名")
        disable.add_argument("--reason", required=True, help="停用原因，记入审计日志")

    def handle(self, *args, action, **options):
        if action == "disable":
            self._disable(options["username"], options["reason"].strip())

    def _disable(self, username: str, reason: str) -> None:
        if not reason:
            raise CommandError("请说明停用原因（--reason）")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        user_disable(user=user, actor=None, reason=reason)
        self.stdout.write(f"已停用账号 {username}：其登录会话已全部结束，API令牌已全部吊销。")
