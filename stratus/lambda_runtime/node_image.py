"""Finding a Node.js for a nodejsNN.x function and the command line that runs it.

Lambda's Node.js runtimes are a Node.js binary plus AWS's runtime interface client in
/var/runtime. Stratus ships its own client (the package directory `nodejs/`, started as
`node ... nodejs/index.mjs`) and runs it with a Node.js found on this machine, started with
the flags Lambda's own bootstrap script passes (heap sizes derived from the memory size,
the experimental features Lambda turns off) and with NODE_PATH laid out as in Lambda, the
layers' directories standing in for /opt. The AWS SDK for JavaScript that Lambda ships in
/var/runtime/node_modules is not provided: a function must bundle the SDK it imports.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from stratus.lambda_runtime.probing import probe_json

RUNTIME_DIR = Path(__file__).resolve().parent / "nodejs"
BOOTSTRAP = RUNTIME_DIR / "index.mjs"

# The nodejs runtimes Stratus runs; each needs a Node.js of its major version.
NODE_MAJORS = frozenset({18, 20, 22, 24})

# Experimental features Lambda disables per runtime, and the flag that re-enables each
# (a function that puts the re-enabling flag in NODE_OPTIONS keeps the feature).
_DISABLED_FEATURES: dict[int, tuple[tuple[str, str], ...]] = {
    20: (("--no-experimental-require-module", "--experimental-require-module"),),
    22: (
        ("--no-experimental-require-module", "--experimental-require-module"),
        ("--no-experimental-detect-module", "--experimental-detect-module"),
    ),
}
_ALL_DISABLE_FLAGS = sorted({flag for pairs in _DISABLED_FEATURES.values() for flag, _ in pairs})
_HEAP_OPTIONS = (
    "--max_semi_space_size",
    "--max_old_space_size",
    "--max-semi-space-size",
    "--max-old-space-size",
)

_PROBE = (
    "const f = process.allowedNodeEnvironmentFlags;"
    "console.log(JSON.stringify({version: process.versions.node,"
    f" flags: {json.dumps(_ALL_DISABLE_FLAGS)}.filter((flag) => f.has(flag))}}))"
)


@dataclass(frozen=True)
class NodeInstall:
    executable: str
    version: str  # "20.20.2"
    flags: frozenset[str] = frozenset()  # which of Lambda's disabling flags it accepts

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def probe(executable: str, environ: Mapping[str, str] | None = None) -> NodeInstall | str:
    """Ask a node executable about itself; a string is the reason it could not answer."""
    host = os.environ if environ is None else environ
    env = {"PATH": host.get("PATH", "/usr/local/bin:/usr/bin:/bin")}  # no NODE_OPTIONS of the host's
    answer = probe_json([executable, "-e", _PROBE], env, "Node.js")
    if isinstance(answer, str):
        return answer
    try:
        version = str(answer["version"])
        int(version.split(".")[0])
    except (ValueError, KeyError, TypeError):
        return f"{executable} did not answer like Node.js"
    return NodeInstall(executable, version, frozenset(answer.get("flags") or ()))


def node_path(runtime_major: int, task_root: str, layer_dirs: Sequence[str]) -> str:
    """NODE_PATH as Lambda's bootstrap sets it when the function does not:
    /opt/nodejs/nodeNN/node_modules, /opt/nodejs/node_modules, /var/runtime/node_modules,
    /var/runtime, /var/task. A later layer overrides an earlier one in /opt, so it comes first."""
    layers = list(reversed(layer_dirs))
    parts = [os.path.join(layer, "nodejs", f"node{runtime_major}", "node_modules") for layer in layers]
    parts += [os.path.join(layer, "nodejs", "node_modules") for layer in layers]
    parts += [str(RUNTIME_DIR / "node_modules"), str(RUNTIME_DIR), task_root]
    return os.pathsep.join(parts)


def node_argv(
    node: NodeInstall, runtime_major: int, memory_size_mb: int, node_options: str
) -> tuple[str, ...]:
    """The command line of Lambda's Node.js bootstrap, with Stratus's client as the script."""
    argv = [node.executable, "--expose-gc", "--max-http-header-size=81920"]
    for disable, enable in _DISABLED_FEATURES.get(runtime_major, ()):
        if disable in node.flags and enable not in node_options:
            argv.append(disable)
    if not any(option in node_options for option in _HEAP_OPTIONS):
        # Young generation a tenth of the memory (half of it per semi-space), the rest old space.
        new_space = memory_size_mb // 10
        argv += [
            f"--max-semi-space-size={new_space // 2}",
            f"--max-old-space-size={memory_size_mb - new_space}",
        ]
    argv.append(str(BOOTSTRAP))
    return tuple(argv)
