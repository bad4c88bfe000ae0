"""`gonghui api_token create USERNAME --name NAME`: a bearer token for an app, printed once and never again."""
from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.accounts.services import api_token_create


class Command(BaseCommand):
    help = "管理接口访问令牌（API token）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        create = actions.add_parser("create", help="为用户生成一个访问令牌；令牌只显示这一次")
        create.add_argument("username", help="令牌代表的用户名；接口按该用户的权限范围返回数据")
        create.add_argument("--name", required=True, help="用途，例如“某某小程序”")
        create.add_argument("--days", type=int, default=365, help="有效天数，默认365；0 表示永不过期")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options["username"], options["name"], options["days"])

    def _create(self, username: str, name: str, days: int) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能为其生成令牌")
        if days < 0:
            raise CommandError("有效天数不能为负数")
        # The command is run by whoever holds the server: the system is the actor, as for demo data.
        token, plaintext = api_token_create(user=user, name=name, actor=None, days=days or None)
        expires = token.expires_at.date().isoformat() if token.expires_at else "永不过期"
        self.stderr.write(f"已为 {username} 生成令牌“{name}”（有效期至：{expires}）。令牌只显示这一次，请妥善保存：")
        self.stdout.write(plaintext)
