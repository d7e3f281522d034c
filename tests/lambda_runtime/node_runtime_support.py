"""Helpers shared by the Node.js runtime tests (test_node_runtime_*.py): the installed node's
major version and the `needs_node` mark, the runtime it can run, and a module-scoped resolver
with helpers that start an environment and invoke it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from stratus.lambda_runtime import ExecutionEnvironment, FunctionConfig, RuntimeResolver

from .conftest import Harness, run


def _installed_node_major() -> int | None:
    node = shutil.which("node")
    if node is None:
        return None
    try:
        done = subprocess.run(
            [node, "-p", "process.versions.node"], capture_output=True, text=True, timeout=30
        )
        return int(done.stdout.strip().split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


NODE_MAJOR = _installed_node_major()
needs_node = pytest.mark.skipif(
    NODE_MAJOR is None or NODE_MAJOR < 18, reason="needs Node.js 18 or later on PATH as node"
)
# The callback-era runtime the installed node can run (with ALLOW_NEWER when it is newer).
CALLBACK_MAJOR = max((m for m in (18, 20, 22) if NODE_MAJOR and m <= NODE_MAJOR), default=20)
CALLBACK_RUNTIME = f"nodejs{CALLBACK_MAJOR}.x"
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


@pytest.fixture(scope="module", name="node_resolver")
def node_resolver_fixture(tmp_path_factory) -> RuntimeResolver:
    environ = dict(os.environ, STRATUS_LAMBDA_NODEJS_ALLOW_NEWER="1")
    environ = {k: v for k, v in environ.items() if not re.fullmatch(r"STRATUS_LAMBDA_NODEJS\d+_X", k)}
    return RuntimeResolver(support_dir=tmp_path_factory.mktemp("node-support"), environ=environ)


def start(resolver, code: Path, handler: str, *, promise_era: bool = False, **overrides) -> Harness:
    """An environment for `handler`; promise_era runs the bootstrap as nodejs24.x does."""
    runtime = "nodejs24.x" if promise_era and NODE_MAJOR >= 24 else CALLBACK_RUNTIME
    config = FunctionConfig(
        function_name="probe", runtime=runtime, handler=handler, code_dir=str(code), **overrides
    )
    spec = resolver.launch_spec(config)
    if promise_era and runtime != "nodejs24.x":
        # The programming model follows AWS_EXECUTION_ENV, as in Lambda's own client.
        spec = dataclasses.replace(spec, env={**spec.env, "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs24.x"})
    events: list = []
    return Harness(ExecutionEnvironment(spec, on_log=events.append), events)


def invoke_once(h: Harness, payload: bytes = b"{}", **kwargs):
    async def scenario():
        try:
            return await h.invoke(payload, **kwargs)
        finally:
            await h.environment.shutdown()

    return run(scenario())


def invoke_many(h: Harness, calls: list[dict], *, settle: float = 0.0):
    async def scenario():
        results = []
        try:
            for call in calls:
                results.append(await h.invoke(call.pop("payload", b"{}"), **call))
            await asyncio.sleep(settle)
            return results
        finally:
            await h.environment.shutdown()

    return run(scenario())
