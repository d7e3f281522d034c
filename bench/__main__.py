"""python -m bench: ops/s and latency per workload against one endpoint, or two side by side."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench import runner
from bench.workloads import WORKLOADS, RawRequest, build_requests, get_workload

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
# Above this share of one core the client (one GIL) may be the limit, and the table says so.
CLIENT_BUSY_SHARE = 0.7


def parse_thread_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or any(count < 1 or count > 256 for count in counts):
        raise argparse.ArgumentTypeError("thread counts are a comma-separated list of 1..256")
    return counts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Replay signed AWS requests over keep-alive connections and report "
        "ops/s and p50/p99 latency per workload and client thread count.",
    )
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help=f"default {DEFAULT_ENDPOINT}")
    parser.add_argument("--compare", metavar="URL", help="a second endpoint, run with the same settings")
    parser.add_argument(
        "--workload",
        action="append",
        dest="workloads",
        metavar="NAME",
        help="repeatable; default: every registered workload",
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measured run (default 5)")
    parser.add_argument("--warmup", type=float, default=0.5, help="unmeasured seconds before each run")
    parser.add_argument("--threads", type=parse_thread_counts, default=[1, 4], help="default 1,4")
    parser.add_argument("--json", action="store_true", help="print machine-readable results only")
    parser.add_argument("--list", action="store_true", help="list the registered workloads and exit")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="bench a trivial in-machine HTTP server instead, to show the client's own ceiling",
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 3600 or not 0 <= args.warmup <= 600:
        parser.error("--duration must be in (0, 3600] and --warmup in [0, 600]")
    args.workloads = args.workloads or sorted(WORKLOADS)
    for name in args.workloads:
        if name not in WORKLOADS:
            parser.error(f"unknown workload {name!r}; known: {', '.join(sorted(WORKLOADS))}")
    return args


@dataclass
class PreparedTarget:
    """One workload made ready against one endpoint: its requests, or why it cannot run."""

    endpoint: str
    requests: list[RawRequest]
    state: Any = None
    broken: str | None = None  # set when setup or the preflight request failed


def prepare(workload_name: str, endpoint: str) -> PreparedTarget:
    workload = get_workload(workload_name)
    # Any failure is reported as this workload's result; the other workloads still run.
    try:
        state = workload.setup(endpoint) if workload.setup else None
        requests = build_requests(workload, endpoint, state)
    except Exception as error:
        return PreparedTarget(endpoint, [], broken=f"setup failed: {type(error).__name__}: {error}")
    try:
        status, body = runner.preflight(endpoint, requests[0])
    except Exception as error:
        return PreparedTarget(endpoint, requests, state, broken=f"no answer: {type(error).__name__}: {error}")
    target = PreparedTarget(endpoint, requests, state)
    if not 200 <= status < 300:
        target.broken = f"preflight answered {status}: {body[:300].decode('utf-8', 'replace')}"
    return target


def release(workload_name: str, target: PreparedTarget) -> None:
    workload = get_workload(workload_name)
    if workload.teardown and target.requests:  # requests exist only once setup succeeded
        try:
            workload.teardown(target.endpoint, target.state)
        except Exception as error:
            log(f"teardown of {workload_name} at {target.endpoint} failed: {error}")


def broken_result(workload_name: str, target: PreparedTarget, threads: int) -> runner.RunResult:
    return runner.RunResult(
        workload=workload_name,
        endpoint=target.endpoint,
        threads=threads,
        duration_s=0.0,
        ok=0,
        errors=1,
        reconnects=0,
        ops_per_s=None,
        p50_ms=None,
        p99_ms=None,
        mean_ms=None,
        error_statuses={},
        error_sample=target.broken,
        failure="not measured",
    )


def measure(args: argparse.Namespace, endpoints: list[str]) -> list[runner.RunResult]:
    results = []
    for name in args.workloads:
        targets = [prepare(name, endpoint) for endpoint in endpoints]
        try:
            for threads in args.threads:
                # Endpoints take turns per setting, so drift on the machine hits both alike.
                for target in targets:
                    if target.broken:
                        results.append(broken_result(name, target, threads))
                        continue
                    log(f"{name}: {threads} thread(s) against {target.endpoint} ...")
                    if args.warmup:
                        runner.run_load(name, target.endpoint, target.requests, threads, args.warmup)
                    results.append(
                        runner.run_load(name, target.endpoint, target.requests, threads, args.duration)
                    )
        finally:
            for target in targets:
                release(name, target)
    return results


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Reporting ----------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ratio(first: float | None, second: float | None) -> str:
    return "-" if not first or not second else f"{first / second:.2f}x"


def _cells(result: runner.RunResult) -> list[str]:
    if result.all_errors:
        return ["ALL ERRORS", "-", "-", str(result.errors)]
    return [f"{result.ops_per_s:,.0f}", _ms(result.p50_ms), _ms(result.p99_ms), str(result.errors)]


def render_table(results: list[runner.RunResult], endpoints: list[str], args: argparse.Namespace) -> str:
    labels = "AB"
    lines = [
        f"{args.duration:g} s per run after {args.warmup:g} s warm-up; "
        "one keep-alive connection per client thread, one request in flight per connection",
    ]
    lines += [f"{labels[i]} = {endpoint}" for i, endpoint in enumerate(endpoints)]
    header = ["workload", "threads"]
    for label in labels[: len(endpoints)]:
        header += [f"{label} ops/s", f"{label} p50 ms", f"{label} p99 ms", f"{label} errors"]
    if len(endpoints) == 2:
        header += ["A/B ops/s", "A/B p50", "A/B p99"]
    rows = [header]
    by_key = {(r.workload, r.threads, r.endpoint): r for r in results}
    for name in args.workloads:
        for threads in args.threads:
            pair = [by_key[(name, threads, endpoint)] for endpoint in endpoints]
            row = [name, str(threads)]
            for result in pair:
                row += _cells(result)
            if len(pair) == 2:
                first, second = pair
                row += [
                    _ratio(first.ops_per_s, second.ops_per_s),
                    _ratio(first.p50_ms, second.p50_ms),
                    _ratio(first.p99_ms, second.p99_ms),
                ]
            rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines.append("")
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells))
    lines += warnings(results, endpoints)
    if len(endpoints) == 2:
        lines.append("")
        lines.append("A/B ops/s above 1 means A serves more; A/B p50/p99 below 1 means A answers sooner.")
    return "\n".join(lines)


def warnings(results: list[runner.RunResult], endpoints: list[str]) -> list[str]:
    lines = []
    for result in results:
        label = "AB"[endpoints.index(result.endpoint)]
        where = f"{result.workload} at {label} with {result.threads} thread(s)"
        if result.all_errors:
            lines.append(f"!!! {where}: NO successful answer; these are errors, not throughput.")
        elif result.errors:
            share = 100.0 * result.errors / (result.errors + result.ok)
            lines.append(f"!!! {where}: {result.errors} error answers ({share:.1f}%), not counted in ops/s.")
        else:
            if result.client_cpu_share and result.client_cpu_share > CLIENT_BUSY_SHARE:
                lines.append(
                    f"note: {where}: the client used {result.client_cpu_share:.0%} of a core; "
                    "it may be what limits this figure (see --ceiling)."
                )
            if result.reconnects:
                lines.append(
                    f"note: {where}: the server closed the connection {result.reconnects} times "
                    "(keep-alive not honoured); reconnect time is inside the latencies."
                )
            continue
        if result.error_statuses:
            lines.append(f"    statuses: {result.error_statuses} (0 = no HTTP answer)")
        if result.error_sample:
            lines.append(f"    first error: {result.error_sample}")
        if result.failure:
            lines.append(f"    {result.failure}")
    return [""] + lines if lines else []


def json_report(results: list[runner.RunResult], endpoints: list[str], args: argparse.Namespace) -> dict:
    report: dict[str, Any] = {
        "settings": {
            "endpoints": endpoints,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "threads": args.threads,
            "workloads": args.workloads,
        },
        "results": [result.to_json() for result in results],
    }
    if len(endpoints) == 2:
        by_key = {(r.workload, r.threads, r.endpoint): r for r in results}
        report["ratios"] = []
        for name in args.workloads:
            for threads in args.threads:
                first, second = (by_key[(name, threads, endpoint)] for endpoint in endpoints)
                report["ratios"].append(
                    {
                        "workload": name,
                        "threads": threads,
                        "ops_per_s": _float_ratio(first.ops_per_s, second.ops_per_s),
                        "p50": _float_ratio(first.p50_ms, second.p50_ms),
                        "p99": _float_ratio(first.p99_ms, second.p99_ms),
                    }
                )
    return report


def _float_ratio(first: float | None, second: float | None) -> float | None:
    return None if not first or not second else round(first / second, 3)


# --- Entry point --------------------------------------------------------------------------


def start_ceiling_server() -> tuple[subprocess.Popen, str]:
    port = runner.free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.ceiling", "--port", str(port)])
    if not runner.wait_for_port("127.0.0.1", port, timeout_s=10.0):
        process.kill()
        raise SystemExit("the trivial ceiling server did not start")
    return process, f"http://127.0.0.1:{port}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for name in sorted(WORKLOADS):
            print(f"{name:32} {WORKLOADS[name].description}")
        return 0
    ceiling_server = None
    if args.ceiling:
        ceiling_server, endpoint = start_ceiling_server()
        endpoints = [endpoint]
    else:
        endpoints = [args.endpoint] + ([args.compare] if args.compare else [])
    try:
        started = time.monotonic()
        results = measure(args, endpoints)
        log(f"done in {time.monotonic() - started:.1f} s")
    finally:
        if ceiling_server is not None:
            ceiling_server.terminate()
            ceiling_server.wait(timeout=10)
    if args.json:
        print(json.dumps(json_report(results, endpoints, args), indent=2))
    else:
        if args.ceiling:
            print("CLIENT CEILING: a trivial server answering a fixed reply; no real server can look faster.")
        print(render_table(results, endpoints, args))
    return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
