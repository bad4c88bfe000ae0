#!/usr/bin/env python
"""How fast a roster file becomes members, against the engine's raw load speed in the same run.

Generates a CSV of N rows (valid ID numbers from gonghui.core.idnumber.make, phones, dates, code labels),
then on a fresh bench database:
  1. reference: the raw load of that CSV — PostgreSQL COPY into an unlogged, unindexed text table; SQLite
     sqlite3 executemany into a text table in one transaction (research/performance-anchors.md §6, #1 and #2);
  2. ours: `roster_import` of the file into a fresh union (parse, check, encrypt, dedupe, write, audit);
  3. re-import of the same file (must add nothing; target ≥ 0.7 of the first import's rate);
  4. parse only: our CSV reader against our xlsx reader (calamine) on the same rows (≤ 100,000 of them);
  5. export: `gonghui roster export` of the union's members to .xlsx, in a process of its own so that its
     peak memory is its own (os.wait4), against EXPORT_RSS_LIMIT_MB.
Reports rows/s and ratios, and the import's peak RSS: this process's plus its largest child's (the import's
worker, gonghui.roster.pipeline) — an upper bound of the tree's, since pages the fork shares count twice.
The last line is one JSON object with `ratio` (ours ÷ reference) and `target` (0.05 PostgreSQL, 0.3
SQLite); exit 1 when any check fails.

    .venv/bin/python bench/roster.py --database sqlite            # var/bench/roster.sqlite3, 1,000,000 rows
    .venv/bin/python bench/roster.py --database postgres          # database gonghui_bench_roster on 127.0.0.1
    .venv/bin/python bench/roster.py --quick --database sqlite    # 20,000 rows
"""
import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
TARGETS = {"postgresql": 0.05, "sqlite": 0.3}
REIMPORT_TARGET, XLSX_TARGET, RSS_LIMIT_MB, EXPORT_RSS_LIMIT_MB = 0.7, 0.1, 500, 300
HEADER = ["序号", "姓名", "性别", "身份证号码", "手机号码", "入会时间", "民族", "学历", "政治面貌", "是否农民工", "工作单位"]
DIVISIONS = ["510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114", "510115", "510116"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红"
EDUCATION = ["大学本科", "大专", "高中", "初中", "研究生", "中专"]
POLITICAL = ["群众", "中共党员", "共青团员"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--no-export", action="store_true", help="skip the export (it takes minutes at 1M rows)")
    args = parser.parse_args()
    if args.quick:
        args.rows = 20_000
    return args


def make_csv(path: Path, rows: int) -> None:
    from gonghui.core.idnumber import make

    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        base = date(1970, 1, 1).toordinal()
        for i in range(rows):
            seq, rest = i % 1000, i // 1000
            division = DIVISIONS[rest % len(DIVISIONS)]
            day = date.fromordinal(base + rest // len(DIVISIONS) * 7 % 12000)
            pid = make(division, day, seq)
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 53) % len(GIVEN)]
            writer.writerow([i + 1, name, "男" if seq % 2 else "女", pid, f"13{i % 10}{i:08d}"[:11],
                             f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}", "汉族",
                             EDUCATION[i % len(EDUCATION)], POLITICAL[i % len(POLITICAL)], "否", "某科技有限公司"])
    tmp.rename(path)


def make_xlsx(csv_path: Path, xlsx_path: Path, limit: int) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    count = 0
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for count, row in enumerate(csv.reader(fh)):
            if count > limit:
                break
            ws.append(row)
    wb.save(xlsx_path)
    return min(count, limit)


def database_url(args) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{BENCH / 'roster.sqlite3'}"
    return f"{PG_SERVER}/gonghui_bench_roster"


def reset_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def reference_load(path: Path) -> float:
    """Seconds for the engine's raw load of the CSV into an unindexed text table."""
    from django.db import connection

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS bench_raw; CREATE UNLOGGED TABLE bench_raw ({columns})")
            start = time.perf_counter()
            with path.open("rb") as fh, cursor.cursor.copy("COPY bench_raw FROM STDIN (FORMAT csv, HEADER)") as copy:
                while block := fh.read(1 << 20):
                    copy.write(block)
        else:
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute(f"CREATE TABLE bench_raw ({columns})")
            start = time.perf_counter()
            marks = ", ".join("?" * len(HEADER))
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                raw = connection.connection
                raw.execute("BEGIN")
                raw.executemany(f"INSERT INTO bench_raw VALUES ({marks})", reader)
                raw.execute("COMMIT")
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw")
    return elapsed


def parse_seconds(path: Path, repeats: int = 3) -> float:
    """Best of `repeats` reads of the whole file (two short timings on a shared machine: the best is the
    least disturbed; CSV and xlsx are measured alike)."""
    from gonghui.roster.parsing import open_roster

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        roster = open_roster(path)
        for _row in roster.data_rows():
            pass
        best = min(best, time.perf_counter() - start)
    return best


class TreeMemory:
    """Peak of the summed PSS (proportional set size) of this process and its children, sampled every 0.2 s.

    The import's worker is forked: the pages it shares with this process count in both RSS figures, in
    PSS once (split between the two), so the sum is what the tree really holds."""

    def __init__(self):
        import threading

        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                return next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            return 0

    @staticmethod
    def _children() -> list[int]:
        me, pids = os.getpid(), []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == me:
                    pids.append(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                pass
        return pids

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            total = sum(self._pss_kb(pid) for pid in [os.getpid(), *self._children()])
            self.peak_mb = max(self.peak_mb, total / 1024)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def export_run(url: str, out: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and exit code of `gonghui roster export` in a child process of its own."""
    env = dict(os.environ, DATABASE_URL=url)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "roster", "export", "--org", "BENCH",
                              str(out)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, child.returncode


def rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest finished child, MB."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main() -> int:
    args = parse_args()
    url = database_url(args)
    reset_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("GONGHUI_DEBUG", "0")  # as in production
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.members.models import Member
    from gonghui.orgs.choices import OrgKind, OrgLevel
    from gonghui.orgs.services import org_create
    from gonghui.roster.services import roster_import

    call_command("migrate", interactive=False, verbosity=0)
    csv_path = BENCH / f"roster-{args.rows}.csv"
    t = time.perf_counter()
    make_csv(csv_path, args.rows)
    print(f"file: {csv_path} ({args.rows:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB, "
          f"{time.perf_counter() - t:.1f} s to make)", flush=True)

    raw = reference_load(csv_path)
    print(f"reference ({connection.vendor} raw load): {raw:.2f} s, {args.rows / raw:,.0f} rows/s", flush=True)

    org = org_create(parent=None, name="基准测试总工会", kind=OrgKind.FEDERATION, level=OrgLevel.CITY, code="BENCH",
                     division_code="510100", actor=None)
    memory = TreeMemory() if Path("/proc/self/smaps_rollup").exists() else None
    start = time.perf_counter()
    first = roster_import(path=csv_path, org=org, actor=None, chunk_size=args.chunk_size)
    ours = time.perf_counter() - start
    print(f"import: {ours:.2f} s, {args.rows / ours:,.0f} rows/s, accepted {first.accepted:,}, "
          f"refused {len(first.refused):,}", flush=True)
    members = Member.objects.count()

    start = time.perf_counter()
    again = roster_import(path=csv_path, org=org, actor=None, chunk_size=args.chunk_size)
    re_s = time.perf_counter() - start
    added = Member.objects.count() - members
    print(f"re-import: {re_s:.2f} s, {args.rows / re_s:,.0f} rows/s, accepted {again.accepted:,}, "
          f"unchanged {again.unchanged:,}, rows added {added}", flush=True)

    sample = min(args.rows, 100_000)
    sample_csv = BENCH / f"roster-sample-{sample}.csv"
    with csv_path.open(encoding="utf-8") as src, sample_csv.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i > sample:
                break
            dst.write(line)
    xlsx_path = BENCH / f"roster-sample-{sample}.xlsx"
    if not xlsx_path.exists():
        make_xlsx(csv_path, xlsx_path, sample)
    csv_parse, xlsx_parse = parse_seconds(sample_csv), parse_seconds(xlsx_path)
    print(f"parse {sample:,} rows: csv {csv_parse:.2f} s, xlsx {xlsx_parse:.2f} s", flush=True)

    tree_mb = memory.stop() if memory else None
    own_mb, worker_mb = rss_mb()
    # The bound applies to the tree's PSS where Linux reports it; elsewhere to the (double-counting) RSS sum.
    import_mb = tree_mb if tree_mb is not None else own_mb + worker_mb
    print(f"peak memory: RSS this process {own_mb:.0f} MB, RSS import worker {worker_mb:.0f} MB (shared pages "
          f"counted in both); PSS of the tree {tree_mb or 0:.0f} MB", flush=True)
    export_s = export_mb = export_code = None
    if not args.no_export:
        export_s, export_mb, export_code = export_run(url, BENCH / f"roster-export-{args.rows}.xlsx")
        print(f"export: {export_s:.1f} s, {members / export_s:,.0f} rows/s, peak RSS {export_mb:.0f} MB, "
              f"exit {export_code}", flush=True)
    ratio = (args.rows / ours) / (args.rows / raw)
    target = TARGETS[connection.vendor]
    figures = {
        "database": connection.vendor, "rows": args.rows, "chunk_size": args.chunk_size,
        "reference_rows_per_s": round(args.rows / raw), "import_rows_per_s": round(args.rows / ours),
        "reimport_rows_per_s": round(args.rows / re_s), "accepted": first.accepted, "refused": len(first.refused),
        "reimport_accepted": again.accepted, "reimport_rows_added": added,
        "reimport_ratio": round(ours / re_s, 3), "reimport_target": REIMPORT_TARGET,
        "xlsx_parse_ratio": round(csv_parse / xlsx_parse, 3), "xlsx_target": XLSX_TARGET,
        "peak_tree_pss_mb": tree_mb and round(tree_mb), "peak_rss_main_mb": round(own_mb),
        "peak_rss_worker_mb": round(worker_mb), "memory_mb": round(import_mb), "rss_limit_mb": RSS_LIMIT_MB,
        "export_s": export_s and round(export_s, 1), "export_peak_rss_mb": export_mb and round(export_mb),
        "export_rss_limit_mb": EXPORT_RSS_LIMIT_MB,
        "ratio": round(ratio, 4), "target": target,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    ok = (ratio >= target and ours / re_s >= REIMPORT_TARGET and added == 0 and again.accepted == 0
          and csv_parse / xlsx_parse >= XLSX_TARGET and import_mb < RSS_LIMIT_MB
          and (args.no_export or (export_code == 0 and export_mb < EXPORT_RSS_LIMIT_MB)))
    figures["pass"] = ok
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
