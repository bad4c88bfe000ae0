#!/usr/bin/env python
"""The statistics pages at province size: server time of the console's dashboard and its siblings.

Builds a province the way bench/stats.py does (its own database, gonghui_bench_stats_pages or
var/bench/stats-pages.sqlite3), or with --from-stats measures bench/stats.py's database as it is (never reset
it: that bench may be running). Then signs a cadre in on the province and times whole requests through Django's test client — middleware, scope, selectors and
template, no network: the "server time" of the page. Reference, in the same run: the console's org page of
the same province (what a cadre sees after signing in: member total and every child's counts).

Target (issue 5): the province dashboard (figures, 12-month trend, every city's figures) under 300 ms, and at
most TARGET × the org page. Each page's key numbers are checked equal to the tallies' own answer.

    .venv/bin/python bench/stats_pages.py --database postgres --from-stats  # bench/stats.py's province
    .venv/bin/python bench/stats_pages.py --url postgres://…/some_province   # any built province, unchanged
    .venv/bin/python bench/stats_pages.py --database postgres               # its own province (2,000,000)
    .venv/bin/python bench/stats_pages.py --quick                           # a small province, under a minute

The last line printed is one JSON object.
"""
import argparse
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import stats  # noqa: E402  (bench/stats.py: the province and how it is built)
from tree import PG_SERVER, reset_database, timed  # noqa: E402

TARGET = 2.0
TARGET_MS = 300.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the bench database when it already has data")
    parser.add_argument("--from-stats", action="store_true", help="measure bench/stats.py's database, unchanged")
    parser.add_argument("--url", help="measure this existing database (a DATABASE_URL), unchanged")
    parser.add_argument("--runs", type=int, help="timed runs per page (median reported; default 15, quick 5)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--members", type=int)
    parser.add_argument("--generate", type=int, default=2_000_000)
    return parser.parse_args()


def database_url(args) -> str:
    if args.url:
        return args.url
    if args.from_stats:
        return stats.database_url(args)
    name = "stats-pages-quick" if args.quick else "stats-pages"
    if args.database == "postgres":
        return f"{PG_SERVER}/gonghui_bench_{name.replace('-', '_')}"
    if args.database == "sqlite" or not os.environ.get("DATABASE_URL"):
        return f"sqlite:///{ROOT / 'var' / 'bench' / f'{name}.sqlite3'}"
    return os.environ["DATABASE_URL"]


def main() -> int:
    args = parse_args()
    args.runs = args.runs or (5 if args.quick else 15)
    url = database_url(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("GONGHUI_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ["GONGHUI_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    size = dict(stats.QUICK if args.quick else stats.FULL)
    if args.members is not None:
        size["members"] = args.members
    if not (args.reuse or args.from_stats or args.url):
        reset_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gonghui.accounts.services import cadre_create, role_grant
    from gonghui.accounts.models import User
    from gonghui.members.models import Member
    from gonghui.orgs.models import Org
    from gonghui.stats import selectors
    from gonghui.stats.tally import fold

    settings.ALLOWED_HOSTS = ["*"]
    timings = {}
    if not (args.from_stats or args.url):
        call_command("migrate", verbosity=0, interactive=False)
        timings = stats.build(args, size)
        fold()
    stats.vacuum_stats()
    province = Org.objects.get(parent__isnull=True)
    user = User.objects.filter(username="bench_stats_pages").first()
    if user is None:
        user = cadre_create(username="bench_stats_pages", password="Bench-pages-2026", display_name="统计计时",
                            actor=None)
        role_grant(user=user, org=province, kind="staff", actor=None)
    client = Client()
    client.force_login(user)

    def page(path: str):
        def get():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response
        return get

    pk = province.pk
    paths = {
        "org_page (reference)": f"/console/orgs/{pk}/",
        "dashboard": f"/console/stats/{pk}/",
        "dashboard_past_month": f"/console/stats/{pk}/?as_of=2025-12-31",
        "bigscreen": f"/console/stats/{pk}/screen/",
        "report": f"/console/stats/{pk}/report/",
        "quality": f"/console/stats/{pk}/quality/",
        "xlsx_children": f"/console/stats/{pk}/export.xlsx?table=children",
        "api_figures": f"/api/v1/stats/orgs/{pk}/figures",
        "api_children": f"/api/v1/stats/orgs/{pk}/children",
    }
    pages = {name: round(timed(page(path), args.runs), 2) for name, path in paths.items()}
    reference_ms = pages["org_page (reference)"]
    dashboard_ms = pages["dashboard"]

    html = client.get(paths["dashboard"]).content.decode()
    shown = re.search(r'data-figure="members"><div class="label">[^<]*</div>\s*<div class="value">(\d+)<', html)
    figures = selectors.subtree_figures(province)
    equal = bool(shown) and int(shown.group(1)) == figures["members"]
    api = client.get(paths["api_figures"]).json()
    equal = equal and api["figures"] == figures

    ratio = round(dashboard_ms / reference_ms, 2)
    summary = {
        "bench": "stats_pages", "database": connection.vendor, "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores", "orgs": Org.objects.count(),
        "members": Member.objects.count(), "children": Org.objects.filter(parent=province).count(),
        "build": timings, "runs": args.runs, "pages_ms": pages, "dashboard_ms": dashboard_ms,
        "target_ms": TARGET_MS, "ratio": ratio, "target": TARGET, "figures_equal": equal,
        "meets_target": dashboard_ms <= TARGET_MS and ratio <= TARGET,
    }
    print(f"{summary['database']}: {summary['orgs']:,} orgs, {summary['members']:,} members, "
          f"{summary['children']} children under the province")
    for name, ms in pages.items():
        print(f"  {name:24s} {ms:8.2f} ms")
    print(f"dashboard / org page = {ratio} (target ≤ {TARGET}); dashboard {dashboard_ms} ms (target ≤ {TARGET_MS})")
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
