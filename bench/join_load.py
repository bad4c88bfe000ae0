"""The load generators of bench/join.py: wrk with a Lua script, 50 Python keep-alive clients in a closed loop,
and the same 50 clients paced on a fixed schedule (for latency)."""
import http.client
import json
import subprocess
import threading
import time
from pathlib import Path

CLIENTS = 50



_WRK_LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local lines, pos, step, kind, token
function init(args)
  kind = args[1]
  token = args[2]
  lines = {}
  if args[3] ~= nil then
    for line in io.lines(args[3]) do lines[#lines + 1] = line end
  end
  local slots = tonumber(args[4] or "1")
  local slot = tonumber(args[5] or "0") * slots + tid
  local per = math.floor(#lines / (slots * tonumber(args[6] or "1")))
  pos = slot * per
  step = 1
  if kind == "lookup" then pos = tid end
end

function request()
  if kind == "ping" then
    return wrk.format("GET", "/api/v1/ping")
  end
  pos = pos + step
  local line = lines[(pos - 1) % #lines + 1]
  if kind == "lookup" then
    return wrk.format("GET", "/api/v1/members/" .. line, {["Authorization"] = "Bearer " .. token})
  end
  return wrk.format("POST", "/api/v1/join/applications",
                    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, line)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non2xx": %d, "socket_errors": %d}\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def run_wrk(work: Path, port: int, kind: str, token: str, lines_file: str, duration: int, slot: int, slots_total: int,
            threads: int) -> dict:
    script = work / "join-wrk.lua"
    script.write_text(_WRK_LUA)
    # A slow answer is a latency to report, not a failure: wrk would count one past its 2 s default as an error.
    command = ["wrk", f"-t{threads}", f"-c{CLIENTS}", f"-d{duration}s", "--timeout", "30s", "--latency",
               "-s", str(script), f"http://127.0.0.1:{port}", "--", kind, token or "-", lines_file or "",
               str(threads), str(slot), str(slots_total)]
    if not lines_file:
        command = command[:-4]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {"rps": raw["requests"] / seconds, "p50_ms": raw["p50_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "requests": raw["requests"], "failed": raw["non2xx"] + raw["socket_errors"]}


def _send(conn, port: int, make_request, i: int):
    """One request on the client's keep-alive connection; (ok, connection to use next)."""
    method, path, body, headers = make_request(i)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return 200 <= response.status < 300, conn
    except (OSError, http.client.HTTPException):
        conn.close()
        return False, http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def _percentiles(latencies: list[list[float]]) -> tuple[int, float, float]:
    """Count, p50 and p99 (ms) of every client's latencies together."""
    merged = sorted(x for per in latencies for x in per)
    n = len(merged)
    if not n:
        return 0, 0.0, 0.0
    return n, merged[n // 2] * 1000, merged[min(n - 1, int(n * 0.99))] * 1000


def run_python(port: int, make_request, duration: int) -> dict:
    """CLIENTS threads, each with one keep-alive connection, for `duration` seconds."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            started = time.perf_counter()
            ok, conn = _send(conn, port, make_request, i)
            latencies[i].append(time.perf_counter() - started)
            failures[i] += 0 if ok else 1
        conn.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for worker in workers:
        worker.start()
    begun = time.perf_counter()
    stop_at[0] = begun + duration
    barrier.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - begun
    n, p50, p99 = _percentiles(latencies)
    return {"rps": n / elapsed, "p50_ms": p50, "p99_ms": p99, "requests": n, "failed": sum(failures)}


def run_paced(port: int, make_request, rate: float, duration: int) -> dict:
    """CLIENTS keep-alive connections sending `rate` requests a second in all, on a fixed schedule.

    The latency of each request is counted from the moment the schedule meant to send it, so a server that
    falls behind is charged for the wait (no coordinated omission). This is the latency a user sees when the
    server is busy but not overrun; the closed loop above measures throughput, where by Little's law the
    mean latency is simply CLIENTS ÷ throughput."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)
    begun = [0.0]
    per_client = rate / CLIENTS

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        k = 0
        while True:
            due = begun[0] + (k + i / CLIENTS) / per_client
            if due >= begun[0] + duration:
                break
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            ok, conn = _send(conn, port, make_request, i)
            latencies[i].append(time.perf_counter() - due)
            failures[i] += 0 if ok else 1
            k += 1
        conn.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for worker in workers:
        worker.start()
    begun[0] = time.perf_counter() + 0.2
    barrier.wait()
    for worker in workers:
        worker.join()
    n, p50, p99 = _percentiles(latencies)
    return {"rate": round(rate, 1), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2), "requests": n,
            "failed": sum(failures)}
