"""What Lambda itself writes and answers around an invocation, in AWS's text formats.

Log lines follow the "new style" system logs AWS documents for plain-text log format
(Lambda developer guide, "Understanding the Lambda execution environment lifecycle"):
on a crash or timeout the REPORT line gains `Status:` (and `Error Type:`) fields instead
of the older "Task timed out" / "RequestId: ... Error:" lines. Fields are tab-separated
and each event ends with a newline, as the events in CloudWatch Logs do.
"""

from __future__ import annotations

import json
import math
import signal

# Go's names for signals (Lambda's supervisor is Go and formats exits with os/exec).
_SIGNAL_NAMES = {
    signal.SIGHUP: "hangup",
    signal.SIGINT: "interrupt",
    signal.SIGQUIT: "quit",
    signal.SIGILL: "illegal instruction",
    signal.SIGTRAP: "trace/breakpoint trap",
    signal.SIGABRT: "aborted",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGKILL: "killed",
    signal.SIGUSR1: "user defined signal 1",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGUSR2: "user defined signal 2",
    signal.SIGPIPE: "broken pipe",
    signal.SIGALRM: "alarm clock",
    signal.SIGTERM: "terminated",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
    signal.SIGSYS: "bad system call",
}


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}\n"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


def report_line(
    request_id: str,
    *,
    duration_ms: float,
    billed_duration_ms: int,
    memory_size_mb: int,
    max_memory_used_mb: int,
    init_duration_ms: float | None = None,
    status: str | None = None,
    error_type: str | None = None,
) -> str:
    fields = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {billed_duration_ms} ms",
        f"Memory Size: {memory_size_mb} MB",
        f"Max Memory Used: {max_memory_used_mb} MB",
    ]
    if init_duration_ms is not None:
        fields.append(f"Init Duration: {init_duration_ms:.2f} ms")
    if status is not None:
        fields.append(f"Status: {status}")
    if error_type:
        fields.append(f"Error Type: {error_type}")
    return "\t".join(fields) + "\t\n"


def init_report_line(init_duration_ms: float, *, status: str, error_type: str | None = None) -> str:
    """Written only when the init phase fails or times out."""
    fields = [f"INIT_REPORT Init Duration: {init_duration_ms:.2f} ms", "Phase: init", f"Status: {status}"]
    if error_type:
        fields.append(f"Error Type: {error_type}")
    return "\t".join(fields) + "\n"


def billed_duration(duration_ms: float, init_duration_ms: float | None) -> int:
    """Lambda bills per millisecond, rounded up; since August 2025 the init phase of
    on-demand environments is billed too, for managed runtimes as for custom ones."""
    total = duration_ms + (init_duration_ms or 0.0)
    return max(1, math.ceil(round(total, 6)))


def timeout_payload(request_id: str, timeout_seconds: float) -> bytes:
    message = f"RequestId: {request_id} Error: Task timed out after {timeout_seconds:.2f} seconds"
    return _error_document(message, "Sandbox.Timedout")


def exit_reason(returncode: int) -> str:
    """The os/exec wording Lambda uses for a runtime that exited during an invocation."""
    if returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode > 0:
        return f"Runtime exited with error: exit status {returncode}"
    signum = -returncode
    try:
        name = _SIGNAL_NAMES.get(signal.Signals(signum), f"signal {signum}")
    except ValueError:
        name = f"signal {signum}"
    return f"Runtime exited with error: signal: {name}"


def exit_error_payload(request_id: str, returncode: int) -> bytes:
    return _error_document(f"RequestId: {request_id} Error: {exit_reason(returncode)}", "Runtime.ExitError")


def invalid_entrypoint_payload(request_id: str, reason: str) -> bytes:
    return _error_document(f"RequestId: {request_id} Error: {reason}", "Runtime.InvalidEntrypoint")


def _error_document(message: str, error_type: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()


def error_type_of(document: bytes) -> str | None:
    """The errorType of an error document, when it is one."""
    try:
        parsed = json.loads(document)
    except ValueError:
        return None
    value = parsed.get("errorType") if isinstance(parsed, dict) else None
    return value if isinstance(value, str) else None
