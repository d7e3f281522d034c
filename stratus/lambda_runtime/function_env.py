"""The environment variables of an execution environment, as Lambda defines them.

Reference: Lambda developer guide, "Defined runtime environment variables". The reserved
keys cannot be set in a function's configuration (CreateFunction/UpdateFunctionConfiguration
refuse them); the unreserved ones (LANG, PATH, LD_LIBRARY_PATH, PYTHONPATH, ...) may be
overridden or extended by the function's variables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
        "TZ",
    }
)

# InvalidParameterValueException message of CreateFunction/UpdateFunctionConfiguration.
RESERVED_KEYS_MESSAGE = (
    "Lambda was unable to configure your environment variables because the environment variables "
    "you have provided contains reserved keys that are currently not supported for modification. "
    "Reserved keys used in this request: {keys}"
)


def reserved_keys_in(variables: Mapping[str, str]) -> list[str]:
    """The function variables that Lambda refuses, in the order given."""
    return [name for name in variables if name in RESERVED_VARIABLES]


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True)
class FunctionConfig:
    """What an execution environment needs to know about the function it runs."""

    function_name: str
    runtime: str
    handler: str
    code_dir: str
    layer_dirs: tuple[str, ...] = ()  # in the function's layer order
    version: str = "$LATEST"
    memory_size_mb: int = 128
    region: str = "us-east-1"
    log_group_name: str | None = None  # default /aws/lambda/<function name>
    log_stream_name: str | None = None  # default: a new stream name per environment
    credentials: Credentials | None = None
    endpoint_url: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    log_format: str = "Text"  # LoggingConfig.LogFormat
    application_log_level: str | None = None  # LoggingConfig.ApplicationLogLevel (JSON only)
    initialization_type: str = "on-demand"  # or "provisioned-concurrency"

    @property
    def effective_log_group(self) -> str:
        return self.log_group_name or f"/aws/lambda/{self.function_name}"


def new_log_stream_name(version: str, now: datetime | None = None) -> str:
    """Lambda's stream names: `2024/05/01/[$LATEST]` and 32 hex digits."""
    day = (now or datetime.now(UTC)).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{uuid.uuid4().hex}"


def aws_environment(
    config: FunctionConfig,
    *,
    log_stream_name: str,
    runtime_dir: str,
    execution_env: str | None,
    host_environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every variable but AWS_LAMBDA_RUNTIME_API (known only once the environment listens).

    Nothing of Stratus's own environment leaks in except PATH and LD_LIBRARY_PATH, which
    the local runtime needs to find its executables and libraries. Function variables may
    override the unreserved ones (and AWS_ENDPOINT_URL, which Lambda does not reserve).
    """
    host = os.environ if host_environ is None else host_environ
    task_root = config.code_dir
    layer_bins = [os.path.join(layer, "bin") for layer in reversed(config.layer_dirs)]
    layer_libs = [os.path.join(layer, "lib") for layer in reversed(config.layer_dirs)]
    env = {
        "LANG": "en_US.UTF-8",
        "PATH": _join([host.get("PATH", "/usr/local/bin:/usr/bin:/bin"), *layer_bins]),
        "LD_LIBRARY_PATH": _join(
            [host.get("LD_LIBRARY_PATH", ""), task_root, os.path.join(task_root, "lib"), *layer_libs]
        ),
        "TZ": ":UTC",
        "_HANDLER": config.handler,
        "AWS_REGION": config.region,
        "AWS_DEFAULT_REGION": config.region,
        "AWS_LAMBDA_FUNCTION_NAME": config.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": config.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_size_mb),
        "AWS_LAMBDA_INITIALIZATION_TYPE": config.initialization_type,
        "AWS_LAMBDA_LOG_GROUP_NAME": config.effective_log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": runtime_dir,
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        # Lambda has no ~/.aws; without these an SDK in the function would read the host
        # user's profiles and credentials (the process runs as that user).
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    if execution_env:
        env["AWS_EXECUTION_ENV"] = execution_env
    if config.log_format.upper() == "JSON":
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        if config.application_log_level:
            env["AWS_LAMBDA_LOG_LEVEL"] = config.application_log_level.upper()
    if config.credentials is not None:
        env["AWS_ACCESS_KEY_ID"] = config.credentials.access_key_id
        env["AWS_SECRET_ACCESS_KEY"] = config.credentials.secret_access_key
        if config.credentials.session_token:
            env["AWS_SESSION_TOKEN"] = config.credentials.session_token
    if config.endpoint_url:
        env["AWS_ENDPOINT_URL"] = config.endpoint_url
    for name, value in config.variables.items():
        if name not in RESERVED_VARIABLES:
            env[name] = value
    return env


def _join(parts: list[str]) -> str:
    return os.pathsep.join(part for part in parts if part)
