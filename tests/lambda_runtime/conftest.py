"""Helpers for the Lambda execution core tests: real runtime processes, small timeouts."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from stratus.lambda_runtime import ExecutionEnvironment, FunctionConfig, LogEvent, RuntimeResolver

# The Python runtime Stratus can always offer: the version it runs on.
PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:probe"


def run(coroutine, timeout: float = 20):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


@pytest.fixture(scope="session")
def resolver(tmp_path_factory) -> RuntimeResolver:
    return RuntimeResolver(support_dir=tmp_path_factory.mktemp("lambda-support"))


def write_code(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return directory


@dataclass
class Harness:
    """An environment plus everything it logged."""

    environment: ExecutionEnvironment
    events: list[LogEvent] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [event.message for event in self.events]

    async def invoke(self, payload: bytes = b"{}", *, timeout: float = 3, **kwargs):
        kwargs.setdefault("request_id", str(uuid.uuid4()))
        kwargs.setdefault("function_arn", FUNCTION_ARN)
        return await self.environment.invoke(payload, timeout=timeout, **kwargs)


def harness(resolver: RuntimeResolver, config: FunctionConfig, *, init_timeout: float = 10.0) -> Harness:
    spec = resolver.launch_spec(config)
    holder: list[LogEvent] = []
    environment = ExecutionEnvironment(spec, on_log=holder.append, init_timeout=init_timeout)
    return Harness(environment, holder)


def python_config(code_dir: Path, handler: str = "app.handler", **overrides) -> FunctionConfig:
    values = {
        "function_name": "probe",
        "runtime": PYTHON_RUNTIME,
        "handler": handler,
        "code_dir": str(code_dir),
    }
    values.update(overrides)
    return FunctionConfig(**values)


def lines_between(messages: list[str], request_id: str) -> list[str]:
    """The log of one invocation, START to REPORT included."""
    start = messages.index(f"START RequestId: {request_id} Version: $LATEST\n")
    report = next(i for i, m in enumerate(messages) if m.startswith(f"REPORT RequestId: {request_id}\t"))
    return messages[start : report + 1]
