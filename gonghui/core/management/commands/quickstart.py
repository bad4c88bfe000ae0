"""`gonghui quickstart`: migrate, build the demo county on first run, print the demo logins, serve.

Next to the development server it starts one background worker (Celery, config/celery.py) and the scheduler of
periodic tasks (Celery beat) in subprocesses, so a roster upload on the demo is imported, and the figures are
folded, on a fresh machine with nothing else to start. They stop with the server: on Ctrl+C or SIGTERM here,
and, should this process die without cleaning up, through the parent-death signal Linux sends them.
"""
import os
import signal
import subprocess
import sys

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
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务程序和定时任务（花名册导入等将排队等待）")

    def handle(self, *args, port, province, scale, no_serve, no_worker, **options):
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
        background = [] if no_worker else start_background()
        if background:
            self.stdout.write(f"后台任务程序已启动（进程 {', '.join(str(p.pid) for p in background)}），"
                              "用于花名册导入和统计汇总等后台任务。")
        self.stdout.write("按 Ctrl+C 停止。\n")
        # SIGTERM (a service manager, `kill`) ends the server like Ctrl+C, so the worker is stopped below.
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            signal.signal(signal.SIGTERM, previous)
            for process in background:
                stop_process(process)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def worker_command() -> list[str]:
    # The pool comes from settings (CELERY_WORKER_POOL, solo). Gossip, mingle and heartbeats are broker chatter a
    # single worker on the file broker does not need.
    return [sys.executable, "-m", "celery", "--quiet", "-A", "config", "worker", "--loglevel=warning",
            "--without-gossip", "--without-mingle", "--without-heartbeat"]


def beat_command() -> list[str]:
    """The scheduler of periodic tasks (settings.CELERY_BEAT_SCHEDULE), its state file in the data directory."""
    return [sys.executable, "-m", "celery", "--quiet", "-A", "config", "beat", "--loglevel=warning",
            f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}"]


def start_background() -> list[subprocess.Popen]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")}
    return [subprocess.Popen(command, env=env, cwd=str(settings.BASE_DIR), preexec_fn=_die_with_parent)
            for command in (worker_command(), beat_command())]


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when quickstart dies (no-op elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # warm shutdown: a short task ends; a long import is killed below and resumes later
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
