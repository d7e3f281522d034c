"""How each Lambda runtime is launched as a local process.

* python3.9 ... python3.14: the official runtime interface client,
  `<interpreter> -m awslambdaric <handler>`, with the function's code directory and its
  layers on PYTHONPATH. The interpreter is, in order: the one named by
  `STRATUS_LAMBDA_PYTHON3_12` (for python3.12; an explicit choice, no fallback), else
  `python3.12` on PATH, else the interpreter Stratus runs on when its version matches.
  See python_image.py for what a function can import.
* nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x: Stratus's own runtime interface client
  (nodejs/index.mjs, see node_image.py) run by a Node.js of the runtime's major version:
  the executable named by `STRATUS_LAMBDA_NODEJS20_X` (for nodejs20.x; an explicit choice,
  no fallback), else `node` on PATH when its major version matches. With
  `STRATUS_LAMBDA_NODEJS_ALLOW_NEWER=1` a newer Node.js is accepted too (the function still
  gets its runtime's programming model, environment and NODE_PATH, but the language is the
  newer one's); an older one never is. The AWS SDK for JavaScript is not provided.
* provided.al2 / provided.al2023 (and the retired `provided`): the zip's own `bootstrap`
  executable, unmodified, else a layer's `bootstrap` (Lambda's /var/task then /opt order).
* Other runtimes (java, dotnet, ruby): not supported.

Resolving a Python or Node.js runtime runs the interpreter (and, for Python, once builds its
environment), so `resolve`/`launch_spec` block for tens of milliseconds the first time; call them off the
event loop (`aresolve`, `alaunch_spec`). Results are cached per resolver.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stratus.lambda_runtime import node_image, python_image
from stratus.lambda_runtime.function_env import FunctionConfig, aws_environment, new_log_stream_name

_PYTHON = re.compile(r"^python3\.(\d+)$")
_NODEJS = re.compile(r"^nodejs(\d+)\.x$")
_ALLOW_NEWER_NODE = "STRATUS_LAMBDA_NODEJS_ALLOW_NEWER"
_MIN_PYTHON_MINOR = 9
_MAX_PYTHON_MINOR = 14
PROVIDED_RUNTIMES = frozenset({"provided", "provided.al2", "provided.al2023"})


class RuntimeUnavailable(Exception):
    """The runtime cannot run here; str(exc) is the reason, fit for an error message."""


@dataclass(frozen=True)
class LaunchSpec:
    """Everything an ExecutionEnvironment needs to start one runtime process."""

    argv: tuple[str, ...]
    cwd: str
    env: Mapping[str, str]  # all but AWS_LAMBDA_RUNTIME_API and _LAMBDA_TELEMETRY_LOG_FD
    memory_size_mb: int
    version: str
    log_group_name: str
    log_stream_name: str
    telemetry_log_fd: bool = False  # the managed runtimes frame their log records on a pipe
    # For a custom runtime: every place a bootstrap was looked for (Runtime.InvalidEntrypoint).
    entrypoint_candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedRuntime:
    runtime: str
    python: python_image.PythonImage | None = None
    node: node_image.NodeInstall | None = None


class RuntimeResolver:
    def __init__(self, *, support_dir: Path | None = None, environ: Mapping[str, str] | None = None) -> None:
        self._support_dir = support_dir or Path(tempfile.gettempdir()) / f"stratus-lambda-{os.getuid()}"
        self._environ = dict(os.environ if environ is None else environ)
        self._cache: dict[str, ResolvedRuntime | RuntimeUnavailable] = {}
        self._node_probes: dict[str, node_image.NodeInstall | str] = {}
        self._lock = threading.Lock()

    def resolve(self, runtime: str) -> ResolvedRuntime:
        """Raises RuntimeUnavailable with the reason when `runtime` cannot run here."""
        with self._lock:
            cached = self._cache.get(runtime)
            if cached is None:
                try:
                    cached = self._resolve(runtime)
                except RuntimeUnavailable as exc:
                    cached = exc
                self._cache[runtime] = cached
        if isinstance(cached, RuntimeUnavailable):
            raise RuntimeUnavailable(str(cached))
        return cached

    async def aresolve(self, runtime: str) -> ResolvedRuntime:
        return await asyncio.to_thread(self.resolve, runtime)

    def unavailable_reason(self, runtime: str) -> str | None:
        try:
            self.resolve(runtime)
        except RuntimeUnavailable as exc:
            return str(exc)
        return None

    def launch_spec(self, config: FunctionConfig) -> LaunchSpec:
        resolved = self.resolve(config.runtime)
        stream = config.log_stream_name or new_log_stream_name(config.version)
        if resolved.python is not None:
            return _python_launch(config, resolved.python, stream, self._environ)
        if resolved.node is not None:
            return _node_launch(config, resolved.node, stream, self._environ)
        return _provided_launch(config, stream, self._environ)

    async def alaunch_spec(self, config: FunctionConfig) -> LaunchSpec:
        return await asyncio.to_thread(self.launch_spec, config)

    def _resolve(self, runtime: str) -> ResolvedRuntime:
        if runtime in PROVIDED_RUNTIMES:
            return ResolvedRuntime(runtime)
        node_match = _NODEJS.match(runtime)
        if node_match is not None and int(node_match.group(1)) in node_image.NODE_MAJORS:
            return ResolvedRuntime(runtime, node=self._find_node(int(node_match.group(1))))
        match = _PYTHON.match(runtime)
        if match is None:
            raise RuntimeUnavailable(f"The {runtime} runtime is not supported by Stratus.")
        minor = int(match.group(1))
        if not _MIN_PYTHON_MINOR <= minor <= _MAX_PYTHON_MINOR:
            raise RuntimeUnavailable(f"The {runtime} runtime is not supported by Stratus.")
        return ResolvedRuntime(runtime, self._find_python(f"3.{minor}"))

    def _find_python(self, version: str) -> python_image.PythonImage:
        variable = f"STRATUS_LAMBDA_PYTHON{version.replace('.', '_')}"
        explicit = self._environ.get(variable)
        if explicit:
            outcome = self._try_interpreter(explicit, version)
            if isinstance(outcome, str):
                raise RuntimeUnavailable(f"python{version}: {variable}={explicit} is not usable: {outcome}")
            return outcome
        reasons: list[str] = []
        on_path = shutil.which(f"python{version}", path=self._environ.get("PATH", ""))
        if on_path:
            outcome = self._try_interpreter(on_path, version)
            if not isinstance(outcome, str):
                return outcome
            reasons.append(outcome)
        else:
            reasons.append(f"no python{version} on PATH")
        if python_image.running_version() == version:
            outcome = self._try_interpreter(sys.executable, version)
            if not isinstance(outcome, str):
                return outcome
            reasons.append(outcome)
        else:
            reasons.append(f"Stratus runs on Python {python_image.running_version()}")
        raise RuntimeUnavailable(
            f"No usable Python {version} interpreter for the python{version} runtime ({'; '.join(reasons)}). "
            f"Set {variable} to a Python {version} interpreter that has awslambdaric installed."
        )

    def _try_interpreter(self, executable: str, version: str) -> python_image.PythonImage | str:
        found = python_image.probe(executable, self._environ)
        if isinstance(found, str):
            return found
        if found.version != version:
            return f"{executable} is Python {found.version}, not {version}"
        try:
            return python_image.image_from_probe(found, self._support_dir)
        except python_image.PythonUnavailable as exc:
            return str(exc)

    def _find_node(self, major: int) -> node_image.NodeInstall:
        runtime = f"nodejs{major}.x"
        variable = f"STRATUS_LAMBDA_NODEJS{major}_X"
        allow_newer = self._environ.get(_ALLOW_NEWER_NODE, "").lower() in ("1", "true", "yes")
        explicit = self._environ.get(variable)
        if explicit:
            outcome = self._try_node(explicit, major, allow_newer)
            if isinstance(outcome, str):
                raise RuntimeUnavailable(f"{runtime}: {variable}={explicit} is not usable: {outcome}")
            return outcome
        on_path = shutil.which("node", path=self._environ.get("PATH", ""))
        if on_path:
            outcome = self._try_node(on_path, major, allow_newer)
            if not isinstance(outcome, str):
                return outcome
            reason = outcome
        else:
            reason = "no node on PATH"
        raise RuntimeUnavailable(
            f"No usable Node.js {major} for the {runtime} runtime ({reason}). "
            f"Put Node.js {major} on PATH as node, or set {variable} to a Node.js {major} executable."
        )

    def _try_node(self, executable: str, major: int, allow_newer: bool) -> node_image.NodeInstall | str:
        found = self._node_probes.get(executable)
        if found is None:
            found = self._node_probes[executable] = node_image.probe(executable, self._environ)
        if isinstance(found, str):
            return found
        if found.major == major or (allow_newer and found.major > major):
            return found
        reason = f"{executable} is Node.js {found.version}, not {major}"
        if found.major > major:
            reason += f"; set {_ALLOW_NEWER_NODE}=1 to run nodejs{major}.x functions on a newer Node.js"
        return reason


def _python_launch(
    config: FunctionConfig, image: python_image.PythonImage, stream: str, host: Mapping[str, str]
) -> LaunchSpec:
    env = aws_environment(
        config,
        log_stream_name=stream,
        runtime_dir=image.runtime_dir,
        execution_env=f"AWS_Lambda_python{image.version}",
        host_environ=host,
    )
    layer_paths: list[str] = []
    for layer in reversed(config.layer_dirs):  # a later layer overrides an earlier one in /opt
        layer_paths.append(os.path.join(layer, "python", "lib", f"python{image.version}", "site-packages"))
        layer_paths.append(os.path.join(layer, "python"))
    user_path = config.variables.get("PYTHONPATH", "")
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in [config.code_dir, user_path, *layer_paths, *image.extra_path] if part
    )
    env["PYTHONNOUSERSITE"] = "1"  # ~/.local is the host user's, not the function's
    return _spec(
        config, (image.interpreter, "-m", "awslambdaric", config.handler), env, stream, telemetry_log_fd=True
    )


def _node_launch(
    config: FunctionConfig, node: node_image.NodeInstall, stream: str, host: Mapping[str, str]
) -> LaunchSpec:
    major = int(_NODEJS.match(config.runtime).group(1))
    env = aws_environment(
        config,
        log_stream_name=stream,
        runtime_dir=str(node_image.RUNTIME_DIR),
        execution_env=f"AWS_Lambda_nodejs{major}.x",
        host_environ=host,
    )
    if "NODE_PATH" not in config.variables:  # Lambda's bootstrap keeps a function's own
        env["NODE_PATH"] = node_image.node_path(major, config.code_dir, config.layer_dirs)
    argv = node_image.node_argv(node, major, config.memory_size_mb, env.get("NODE_OPTIONS", ""))
    return _spec(config, argv, env, stream, telemetry_log_fd=True)


def _provided_launch(config: FunctionConfig, stream: str, host: Mapping[str, str]) -> LaunchSpec:
    candidates = [os.path.join(config.code_dir, "bootstrap")]
    candidates += [os.path.join(layer, "bootstrap") for layer in reversed(config.layer_dirs)]
    bootstrap = next((path for path in candidates if os.path.isfile(path)), candidates[0])
    env = aws_environment(
        config, log_stream_name=stream, runtime_dir=config.code_dir, execution_env=None, host_environ=host
    )
    return _spec(config, (bootstrap,), env, stream, entrypoint_candidates=tuple(candidates))


def _spec(
    config: FunctionConfig, argv: tuple[str, ...], env: dict[str, str], stream: str, **more: object
) -> LaunchSpec:
    """The launch of `argv` in the function's code directory, with what every runtime shares."""
    return LaunchSpec(
        argv=tuple(argv),
        cwd=config.code_dir,
        env=env,
        memory_size_mb=config.memory_size_mb,
        version=config.version,
        log_group_name=config.effective_log_group,
        log_stream_name=stream,
        **more,  # type: ignore[arg-type]
    )
