"""Peak memory of a runtime's process tree, read from /proc (Linux only).

Lambda's "Max Memory Used" is the high-water mark of the whole execution environment
since it started. The closest a process can get without cgroups is the sum of each
live process's own peak RSS (VmHWM); elsewhere than Linux it reads as 0.
"""

from __future__ import annotations

from pathlib import Path

_PROC = Path("/proc")


def tree_peak_rss_kb(root_pid: int) -> int:
    total = 0
    for pid in _descendants(root_pid):
        total += _peak_rss_kb(pid)
    return total


def _descendants(root_pid: int) -> list[int]:
    seen: list[int] = []
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.append(pid)
        pending.extend(_children(pid))
    return seen


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        tasks = list((_PROC / str(pid) / "task").iterdir())
    except OSError:
        return children
    for task in tasks:
        try:
            text = (task / "children").read_text()
        except OSError:
            continue
        children.extend(int(child) for child in text.split())
    return children


def _peak_rss_kb(pid: int) -> int:
    try:
        status = (_PROC / str(pid) / "status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
