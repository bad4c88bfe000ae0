"""`gonghui card verify TOKEN` and `gonghui card public-key`: check an e-member card, hand out the verifying key.

A rest station or a merchant without network keeps the public key (`gonghui card public-key > card.pem`) and
checks cards with `gonghui card verify TOKEN --public-key card.pem --offline`: signature, expiry and status,
no database. Without --offline the card is also looked up, so a revoked card is refused at once.
"""
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.members.card import card_verify, public_key_pem


class Command(BaseCommand):
    help = "电子会员卡：核验会员卡二维码内容，或导出离线核验用的公钥"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        verify = actions.add_parser("verify", help="核验会员卡二维码中的令牌；有效时退出码为0，无效为1")
        verify.add_argument("token", help="会员卡二维码中的文本")
        verify.add_argument("--public-key", dest="public_key_file", help="公钥 PEM 文件（默认用本平台的密钥）")
        verify.add_argument("--offline", action="store_true",
                            help="离线核验：只查签名、有效期和令牌中的会籍状态，不查数据库")
        actions.add_parser("public-key", help="输出核验会员卡用的公钥（PEM），供离线核验")

    def handle(self, *args, action, **options):
        if action == "public-key":
            self.stdout.write(public_key_pem(), ending="")
            return
        key = None
        if options["public_key_file"]:
            try:
                key = Path(options["public_key_file"]).read_bytes()
                check = card_verify(options["token"], public_key=key, check_revocation=not options["offline"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取公钥：{exc}") from None
        else:
            check = card_verify(options["token"], check_revocation=not options["offline"])
        payload = check.payload or {}
        self.stdout.write(f"{'有效' if check.valid else '无效'}：{check.message}")
        if payload:
            expires = check.expires_at.strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"卡号：{payload.get('n')}  姓名：{payload.get('nm')}  工会：{payload.get('u')}  "
                              f"有效期至：{expires}")
        if not check.valid:
            sys.exit(1)
