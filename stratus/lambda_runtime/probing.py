"""Asking an interpreter about itself: run a one-line script that prints a JSON object last."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence

PROBE_TIMEOUT = 30.0


def probe_json(argv: Sequence[str], env: Mapping[str, str], what: str) -> dict | str:
    """The JSON object the command printed last, or the reason there is none (`what` names the
    kind of program expected, e.g. "a Python interpreter")."""
    executable = argv[0]
    try:
        done = subprocess.run(
            list(argv), env=dict(env), capture_output=True, text=True, timeout=PROBE_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{executable} could not be run ({exc})"
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        return f"{executable} failed: {detail[-1] if detail else f'exit status {done.returncode}'}"
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"{executable} did not answer like {what}"
    if not isinstance(answer, dict):
        return f"{executable} did not answer like {what}"
    return answer
