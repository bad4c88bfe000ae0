"""`gonghui quickstart`: migrate, build the demo county on first run, print the demo logins, serve."""
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "准备演示数据库（首次运行时生成演示数据）并在 http://127.0.0.1:8000 启动平台"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("GONGHUI_PORT", "8000")))
        parser.add_argument("--province", default="四川")
        parser.add_argument("--scale", default="county", choices=["county", "city", "province"])
        parser.add_argument("--no-serve", action="store_true", help="只准备数据库，不启动服务")

    def handle(self, *args, port, province, scale, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        logins_file = settings.DATA_DIR / "demo-logins.txt"
        if not Org.objects.exists():
            self.stdout.write(f"正在生成演示数据（{province}，{scale}）……")
            call_command("demo", province=province, scale=scale, seed=1, logins_file=str(logins_file))
        elif logins_file.exists():
            self.stdout.write(logins_file.read_text(encoding="utf-8"))
        if no_serve:
            return
        self.stdout.write(f"\n平台已启动： http://127.0.0.1:{port}/  （干部后台 /console/，职工门户 /portal/，接口文档 /api/v1/docs）")
        self.stdout.write("按 Ctrl+C 停止。\n")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
