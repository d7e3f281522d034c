"""python -m bench.startup: start-up time, idle memory and first-request cost of a server.

Each run starts the server command on a free port, and measures:
  * ready: from just before exec until GET <ready path> answers 200;
  * idle RSS: VmRSS of the server and all its descendants, shortly after it is ready;
  * first vs second request: sts.GetCallerIdentity (the very first request the process
    serves) then elbv2.DescribeLoadBalancers (a service untouched so far), each followed by
    the same request again; the difference is what loading a service on first use costs.
The figures reported are medians over the runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import runner
from bench.workloads import RawRequest, Workload, build_requests

DEFAULT_COMMAND = ".venv/bin/stratus serve --ephemeral --port {port}"
DEFAULT_READY_PATH = "/_stratus/health"
HOST = "127.0.0.1"

# Not registered as load workloads: these are only used to time a service's first request.
FIRST_REQUEST_PROBES = (
    Workload(name="sts.GetCallerIdentity", service="sts", operation="GetCallerIdentity"),
    Workload(name="elbv2.DescribeLoadBalancers", service="elbv2", operation="DescribeLoadBalancers"),
)


@dataclass
class StartupRun:
    ready_ms: float
    idle_rss_mib: float
    rss_after_probes_mib: float
    first_ms: dict[str, float]
    second_ms: dict[str, float]
    statuses: dict[str, list[int]]  # probe -> [first status, second status]


def process_tree_rss_kib(root_pid: int) -> int:
    """VmRSS of a process and every descendant, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # The command name is parenthesised and may contain spaces: split after its ')'.
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def wait_until_ready(process: subprocess.Popen, port: int, path: str, timeout_s: float) -> float:
    """Poll GET path until it answers 200; return the moment it did (perf_counter seconds)."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited with status {process.returncode} before it was ready "
                "(--show-output shows why)"
            )
        connection = http.client.HTTPConnection(HOST, port, timeout=2.0)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return time.perf_counter()
        except (OSError, http.client.HTTPException):  # not listening yet, or not speaking HTTP yet
            pass
        finally:
            connection.close()
        time.sleep(0.005)
    raise RuntimeError(f"GET {path} did not answer 200 within {timeout_s} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server and whatever it started: it leads its own process group."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def time_request(connection: runner.KeepAliveConnection, request: RawRequest) -> tuple[float, int]:
    """Time one request alone: connecting (again, if the server closed) happens before the clock."""
    connection.ensure_connected()
    began = time.perf_counter()
    status, _ = connection.exchange(request)
    return (time.perf_counter() - began) * 1000.0, status


def one_run(command: str, ready_path: str, timeout_s: float, settle_s: float, quiet: bool) -> StartupRun:
    port = runner.free_port()
    endpoint = f"http://{HOST}:{port}"
    # Built before the server starts, so request building is never inside a timing.
    probes = {probe.name: build_requests(probe, endpoint)[0] for probe in FIRST_REQUEST_PROBES}
    argv = shlex.split(command.replace("{port}", str(port)))
    output = subprocess.DEVNULL if quiet else None
    began = time.perf_counter()
    process = subprocess.Popen(argv, stdout=output, stderr=output, start_new_session=True)
    try:
        ready_at = wait_until_ready(process, port, ready_path, timeout_s)
        time.sleep(settle_s)  # let start-up work that runs after readiness finish
        idle_rss = process_tree_rss_kib(process.pid)
        first, second, statuses = {}, {}, {}
        connection = runner.KeepAliveConnection(HOST, port)
        for name, request in probes.items():
            first[name], first_status = time_request(connection, request)
            second[name], second_status = time_request(connection, request)
            statuses[name] = [first_status, second_status]
        connection.close()
        return StartupRun(
            ready_ms=(ready_at - began) * 1000.0,
            idle_rss_mib=idle_rss / 1024.0,
            rss_after_probes_mib=process_tree_rss_kib(process.pid) / 1024.0,
            first_ms=first,
            second_ms=second,
            statuses=statuses,
        )
    finally:
        stop(process)


def summarise(runs: list[StartupRun]) -> dict:
    def median(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    summary = {
        "runs": len(runs),
        "ready_ms": median([r.ready_ms for r in runs]),
        "ready_ms_min": round(min(r.ready_ms for r in runs), 3),
        "ready_ms_max": round(max(r.ready_ms for r in runs), 3),
        "idle_rss_mib": median([r.idle_rss_mib for r in runs]),
        "rss_after_probes_mib": median([r.rss_after_probes_mib for r in runs]),
        "probes": {},
    }
    for probe in FIRST_REQUEST_PROBES:
        summary["probes"][probe.name] = {
            "first_ms": median([r.first_ms[probe.name] for r in runs]),
            "second_ms": median([r.second_ms[probe.name] for r in runs]),
            "statuses": sorted({tuple(r.statuses[probe.name]) for r in runs}),
        }
    return summary


def render(summary: dict, command: str) -> str:
    lines = [
        f"command: {command}",
        f"runs: {summary['runs']} (medians)",
        f"ready:                {summary['ready_ms']:9.1f} ms   "
        f"(min {summary['ready_ms_min']:.1f}, max {summary['ready_ms_max']:.1f})",
        f"idle RSS (tree):      {summary['idle_rss_mib']:9.1f} MiB",
        f"RSS after probes:     {summary['rss_after_probes_mib']:9.1f} MiB",
        "",
        f"{'first request of':32} {'first ms':>9} {'second ms':>10} {'load cost ms':>13}  statuses",
    ]
    for name, probe in summary["probes"].items():
        cost = probe["first_ms"] - probe["second_ms"]
        statuses = ", ".join("/".join(str(code) for code in pair) for pair in probe["statuses"])
        warning = "" if all(200 <= c < 300 for pair in probe["statuses"] for c in pair) else "  !!! ERRORS"
        lines.append(
            f"{name:32} {probe['first_ms']:9.2f} {probe['second_ms']:10.2f} {cost:13.2f}  {statuses}{warning}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.startup",
        description="Start-up time, idle RSS and first-request cost of a server (medians of N runs).",
    )
    parser.add_argument("--command", default=DEFAULT_COMMAND, help="{port} is replaced by a free port")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ready-path", default=DEFAULT_READY_PATH)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for readiness")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds after ready before RSS")
    parser.add_argument("--show-output", action="store_true", help="do not silence the server's output")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 100:
        parser.error("--runs must be in 1..100")
    if "{port}" not in args.command:
        parser.error("--command must contain {port}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    runs = []
    for index in range(args.runs):
        print(f"run {index + 1}/{args.runs} ...", file=sys.stderr, flush=True)
        try:
            runs.append(
                one_run(args.command, args.ready_path, args.timeout, args.settle, not args.show_output)
            )
        except (RuntimeError, OSError) as error:
            print(f"run {index + 1} failed: {error}", file=sys.stderr)
            return 1
    summary = summarise(runs)
    if args.json:
        print(
            json.dumps({"command": args.command, **summary, "each_run": [asdict(r) for r in runs]}, indent=2)
        )
    else:
        print(render(summary, args.command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
