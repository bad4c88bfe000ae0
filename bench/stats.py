#!/usr/bin/env python
"""Figures at province size: subtree figures by category per level, and what exactness costs joining.

Builds (or reuses) a province: the demo generator's tree (≥ 150,000 orgs) and members, then on request more
members cloned set-wise in SQL (--members above what the generator made; bench/stats_clone.py). Then:

1. Figures: median latency of `stats.selectors.subtree_figures` (every stock figure, age bands included) for a
   grassroots union, a township, a county, a city and the province, each as a ratio against an indexed count of
   one grassroots union's members in the same run; each checked equal to a live count from the raw rows
   (`stats.live.live_figures`). Target ≤ 3× at every level. The province dashboard's selectors (figures,
   12-month trend, child breakdown) are timed too.
2. Joining: 8 concurrent clients (threads, one connection each) for a fixed time in each mode —
   `plain` one member INSERT per transaction; `insert_upkeep` the same plus the stats upkeep of a join;
   `join` a join's own writes (org row locked, member, join event, counter) plus the upkeep; `join_no_upkeep`
   the same without it. Ratio insert_upkeep / plain (target ≥ 0.4); join / plain and join / join_no_upkeep
   are reported beside it.
   Afterwards the province's figures still equal a live count.

    .venv/bin/python bench/stats.py --database sqlite                      # 2,000,000 members
    .venv/bin/python bench/stats.py --database postgres --members 20000000
    .venv/bin/python bench/stats.py --quick                                # under a minute
    .venv/bin/python bench/stats.py --database postgres --reuse            # measure again without rebuilding

The last line printed is one JSON object.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stats_clone import bench_session, clone, restore_secondary
from tree import PG_SERVER, reset_database, timed

TARGET = 3.0
JOIN_TARGET = 0.4
GENERATED = 2_000_000  # what the demo generator makes at province scale; more members are cloned
FULL = {"members": 2_000_000, "grassroots": 147_000}
QUICK = {"members": 20_000, "grassroots": 2_000}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--members", type=int)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, help="per joining mode (default 10, quick 3)")
    parser.add_argument("--generate", type=int, default=GENERATED,
                        help="members made by the demo generator; the rest up to --members are cloned (PostgreSQL)")
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: clone up to --members, recount tallies")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def database_url(args) -> str:
    name = "stats-quick" if args.quick else "stats"
    if args.database == "postgres":
        return f"{PG_SERVER}/gonghui_bench_{name.replace('-', '_')}"
    if args.database == "sqlite" or not os.environ.get("DATABASE_URL"):
        return f"sqlite:///{ROOT / 'var' / 'bench' / f'{name}.sqlite3'}"
    return os.environ["DATABASE_URL"]


# --- building -------------------------------------------------------------------------------------------------


def build(args, size) -> dict:
    from django.db import connection

    from gonghui.demo.generate import generate
    from gonghui.demo.writer import analyze
    from gonghui.members.models import Member
    from gonghui.orgs.models import Org
    from gonghui.stats.models import Total
    from gonghui.stats.rebuild import rebuild

    timings = {}
    bench_session()
    if connection.vendor == "postgresql":
        timings["restored_after_interruption"] = restore_secondary()  # an interrupted clone's dropped indexes
    if not Org.objects.exists():
        started = time.monotonic()
        generate(province="四川", scale="province", seed=args.seed, members=min(size["members"], args.generate),
                 grassroots=size["grassroots"])  # rebuilds the tallies set-wise at the end
        timings["generate_s"] = round(time.monotonic() - started, 1)
        if size["members"] > args.generate and connection.vendor == "postgresql":
            timings["clone"] = clone(size["members"])
            started = time.monotonic()
            analyze()
            timings["analyze_after_clone_s"] = round(time.monotonic() - started, 1)
            started = time.monotonic()
            bench_session()  # again: the generator may have closed the connection
            rebuild()
            timings["rebuild_s"] = round(time.monotonic() - started, 1)
    elif args.rebuild or not Total.objects.exists():
        if size["members"] > Member.objects.count() and connection.vendor == "postgresql":
            timings["clone"] = clone(size["members"])
            analyze()
        started = time.monotonic()
        rebuild()
        timings["rebuild_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    analyze()
    timings["analyze_s"] = round(time.monotonic() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET ALL")  # measure with the server's settings
    print(f"  build: {timings}", file=sys.stderr, flush=True)
    return timings


def vacuum_stats() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE) stats_tally, stats_total, stats_age_tally, stats_age_total, "
                           "stats_day_tally, stats_age_day_tally")
        else:
            cursor.execute("ANALYZE")


# --- figures ------------------------------------------------------------------------------------------------


def pick_levels() -> tuple:
    from django.db.models import Count

    from gonghui.core.scoping import subtree_q
    from gonghui.orgs.models import Org

    province = Org.objects.get(parent__isnull=True)
    city = Org.objects.filter(parent=province, kind="federation").order_by("code").first()
    counties = Org.objects.filter(parent=city, kind="federation")
    county = max(counties, key=lambda c: Org.objects.filter(subtree_q(c.path)).count())
    townships = Org.objects.filter(parent=county, kind="township").annotate(n=Count("children")).order_by("-n")
    township = townships.first()
    unions = list(Org.objects.filter(subtree_q(county.path), kind="grassroots").order_by("member_count", "id"))
    reference = unions[len(unions) // 2]  # a union of median size
    biggest = unions[-1]
    return reference, [("grassroots", biggest), ("township", township), ("county", county), ("city", city),
                       ("province", province)]


def measure_figures(args) -> dict:
    from gonghui.members.models import Member
    from gonghui.stats import live, selectors

    reference_org, levels = pick_levels()
    reference_ms = timed(lambda: Member.objects.filter(org=reference_org).count(), args.runs)
    result = {"reference": {"org": reference_org.name, "members": reference_org.member_count,
                            "ms": round(reference_ms, 3)}, "levels": {}}
    for level, org in levels:
        ms = timed(lambda org=org: selectors.subtree_figures(org), args.runs)
        started = time.monotonic()
        counted = live.live_figures(org)
        live_s = time.monotonic() - started
        figures = selectors.subtree_figures(org)
        result["levels"][level] = {
            "org": org.name, "members": figures["members"], "orgs": figures["orgs_total"],
            "ms": round(ms, 3), "ratio": round(ms / reference_ms, 2), "equal_to_live": figures == counted,
            "live_count_s": round(live_s, 2),
        }
    province = levels[-1][1]
    result["dashboard_selectors_ms"] = round(timed(lambda: (
        selectors.subtree_figures(province), selectors.monthly_trend(province, months=12),
        selectors.child_figures(province)), max(5, args.runs // 3)), 2)
    return result


# --- joining ------------------------------------------------------------------------------------------------


class Rows:
    """Member rows ready to insert: encrypted once here, so the modes compare database work only."""

    def __init__(self, n: int, seed: int):
        import random
        from dataclasses import replace

        from gonghui.core import idnumber
        from gonghui.members.records import identity_columns

        rng = random.Random(seed)
        self.items = []
        stamp = int(time.time()) % 100_000
        for i in range(n):
            born = date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28))
            pid = idnumber.make(f"51{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}", born, (i + stamp) % 1000)
            identity = identity_columns(name=f"压测{i}", id_number=pid, phone="")
            # a unique hash per run and row even when the ID repeats (bench rows only)
            identity = replace(identity, id_number_hash=f"{seed:08x}{stamp:08x}{i:048x}")
            self.items.append((identity, rng.choice(["", "rider", "courier"]), rng.choice(["20", "30", "70"])))
        self.next = 0
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.next >= len(self.items):
                return None
            self.next += 1
            return self.items[self.next - 1]


def one_transaction(mode: str, org_id: int, item) -> None:
    from dataclasses import asdict

    from django.db import transaction
    from django.db.models import F

    from gonghui.members.models import Member, MembershipEvent
    from gonghui.orgs.models import Org
    from gonghui.stats import upkeep

    identity, form, education = item
    today = date.today()
    with transaction.atomic():
        if mode in ("plain", "insert_upkeep"):
            member = Member(org_id=org_id, joined_on=today, employment_form=form, education=education,
                            **asdict(identity))
            member.save(force_insert=True)
            if mode == "insert_upkeep":
                org = Org.objects.only("id", "path").get(pk=org_id)
                upkeep.member_joined(member=member, org=org, on=today)
            return
        org = Org.objects.select_for_update().only("id", "path").get(pk=org_id)
        member = Member(org=org, joined_on=today, employment_form=form, education=education, **asdict(identity))
        member.save(force_insert=True)
        MembershipEvent.objects.create(member=member, kind="1", org=org, on=today)
        Org.objects.filter(pk=org_id).update(member_count=F("member_count") + 1)
        if mode == "join":
            upkeep.member_joined(member=member, org=org, on=today)


def measure_joining(args) -> dict:
    import random

    from django.db import connections

    from gonghui.orgs.models import Org

    seconds = args.seconds or (1.5 if args.quick else 10.0)
    unions = list(Org.objects.filter(kind="grassroots", status="active").values_list("pk", flat=True))
    result = {"clients": args.clients, "seconds": seconds}
    untallied: list[str] = []
    for mode in ("plain", "insert_upkeep", "join_no_upkeep", "join", "plain_again"):
        rows = Rows(int(4_000 * seconds) + (1_000 if args.quick else 5_000), seed=hash(mode) % 10_000 + int(time.time()))
        counts = [0] * args.clients
        errors: list = []
        barrier = threading.Barrier(args.clients)
        stop = threading.Event()

        def client(i: int) -> None:
            rng = random.Random(i)
            try:
                barrier.wait()
                while not stop.is_set():
                    item = rows.take()
                    if item is None:
                        break
                    one_transaction(mode.removesuffix("_again"), rng.choice(unions), item)
                    counts[i] += 1
            except Exception as exc:  # noqa: BLE001 - reported in the result
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        started = time.monotonic()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        result[mode] = {"transactions": sum(counts), "per_second": round(sum(counts) / elapsed, 1),
                        "errors": errors[:3]}
        if mode != "join" and mode != "insert_upkeep":
            untallied.extend(identity.id_number_hash for identity, _f, _e in rows.items[:rows.next])
    plain = statistics.mean([result["plain"]["per_second"], result["plain_again"]["per_second"]])
    _remove(untallied)
    # The headline: a member insert with the figures' upkeep against a plain member insert. The join's other
    # writes (lock, event, counter) existed before the figures; join / join_no_upkeep isolates the upkeep there.
    result["ratio"] = round(result["insert_upkeep"]["per_second"] / plain, 3)
    result["join_vs_plain"] = round(result["join"]["per_second"] / plain, 3)
    result["upkeep_share"] = round(result["join"]["per_second"] / result["join_no_upkeep"]["per_second"], 3)
    return result


def _remove(hashes: list[str]) -> None:
    """Take out the rows the modes without upkeep wrote, so the database stays exact for the next --reuse."""
    from django.db import connection, transaction

    from gonghui.members.models import Member, MembershipEvent

    with transaction.atomic():
        for start in range(0, len(hashes), 500):
            ids = list(Member.objects.filter(id_number_hash__in=hashes[start:start + 500]).values_list("pk", flat=True))
            MembershipEvent.objects.filter(member_id__in=ids).delete()
            Member.objects.filter(pk__in=ids).delete()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE orgs_org SET member_count = (SELECT count(*) FROM members_member m "
                           "WHERE m.org_id = orgs_org.id AND m.status = 'active') WHERE kind = 'grassroots'")


def exact_after_joins(joining: dict) -> dict:
    """The province's figure against a live count (the rows written without upkeep were taken out)."""
    from gonghui.members.models import Member
    from gonghui.orgs.models import Org
    from gonghui.stats import selectors

    province = Org.objects.get(parent__isnull=True)
    tallied = selectors.subtree_figures(province)["members"]
    counted = Member.objects.filter(status="active").count()
    return {"province_members_tallied": tallied, "province_members_counted": counted, "equal": tallied == counted}


# --- main -----------------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    url = database_url(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("GONGHUI_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ["GONGHUI_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    size = dict(QUICK if args.quick else FULL)
    if args.members is not None:
        size["members"] = args.members
    if not args.reuse:
        reset_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.members.models import Member
    from gonghui.orgs.models import Org
    from gonghui.stats.tally import fold

    call_command("migrate", verbosity=0, interactive=False)
    timings = build(args, size)
    fold()
    vacuum_stats()
    figures = measure_figures(args)
    joining = measure_joining(args)
    after = exact_after_joins(joining)
    # Figures again with the joins' rows still unfolded (what a read meets between two folds).
    _ref, levels = pick_levels()
    from gonghui.stats import selectors

    province = levels[-1][1]
    unfolded_ms = timed(lambda: selectors.subtree_figures(province), args.runs)
    started = time.monotonic()
    fold()
    fold_s = time.monotonic() - started
    ratio = max(level["ratio"] for level in figures["levels"].values())
    all_equal = all(level["equal_to_live"] for level in figures["levels"].values()) and after["equal"]
    summary = {
        "bench": "stats", "database": connection.vendor, "server_version": _server_version(connection),
        "date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "orgs": Org.objects.count(), "members": Member.objects.count(), "build": timings, "runs": args.runs,
        **figures, "province_ms_with_unfolded_joins": round(unfolded_ms, 3),
        "fold_after_joins_s": round(fold_s, 2), "joining": joining, "after_joins": after,
        "ratio": ratio, "target": TARGET, "join_ratio": joining["ratio"], "join_target": JOIN_TARGET,
        "meets_target": ratio <= TARGET and joining["ratio"] >= JOIN_TARGET, "figures_equal_live": all_equal,
    }
    _print_report(summary)
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if all_equal else 1


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return cursor.fetchone()[0].split(" on ")[0]


def _print_report(s: dict) -> None:
    ref = s["reference"]
    print(f"{s['database']} {s['server_version']}: {s['orgs']:,} orgs, {s['members']:,} members; build {s['build']}")
    print(f"reference: count of {ref['org']} ({ref['members']} members) {ref['ms']:.3f} ms")
    for level, f in s["levels"].items():
        print(f"{level:<11} {f['orgs']:>8,} orgs {f['members']:>11,} members  subtree_figures {f['ms']:8.3f} ms "
              f"{f['ratio']:5.2f}×  equal to live: {f['equal_to_live']} (live count {f['live_count_s']} s)")
    print(f"province dashboard selectors (figures + 12-month trend + children): {s['dashboard_selectors_ms']} ms")
    j = s["joining"]
    print(f"joining, {j['clients']} clients × {j['seconds']} s: " + ", ".join(
        f"{m} {j[m]['per_second']}/s" for m in ("plain", "insert_upkeep", "join_no_upkeep", "join", "plain_again"))
        + f"; insert_upkeep/plain {j['ratio']} (target ≥ {JOIN_TARGET}), join/plain {j['join_vs_plain']}, "
          f"join/join_no_upkeep {j['upkeep_share']}")
    print(f"after joins: {s['after_joins']}; province figures with unfolded rows "
          f"{s['province_ms_with_unfolded_joins']} ms; fold {s['fold_after_joins_s']} s")


if __name__ == "__main__":
    sys.exit(main())
