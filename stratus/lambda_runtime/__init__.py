"""Lambda's execution core: runtime processes speaking the real Lambda Runtime API.

No control plane here: the Lambda service (stratus/services/lambda_) decides which
function runs where and writes the log events this package produces to CloudWatch Logs.
"""

from stratus.lambda_runtime.environment import (
    MAX_SYNC_REQUEST_BYTES,
    EnvironmentBusyError,
    EnvironmentDeadError,
    ExecutionEnvironment,
    InvocationResult,
)
from stratus.lambda_runtime.function_env import (
    RESERVED_KEYS_MESSAGE,
    RESERVED_VARIABLES,
    Credentials,
    FunctionConfig,
    new_log_stream_name,
    reserved_keys_in,
)
from stratus.lambda_runtime.output import LogEvent, LogSink
from stratus.lambda_runtime.runtime_api import MAX_RESPONSE_BYTES
from stratus.lambda_runtime.runtimes import LaunchSpec, RuntimeResolver, RuntimeUnavailable

__all__ = [
    "MAX_RESPONSE_BYTES",
    "MAX_SYNC_REQUEST_BYTES",
    "RESERVED_KEYS_MESSAGE",
    "RESERVED_VARIABLES",
    "Credentials",
    "EnvironmentBusyError",
    "EnvironmentDeadError",
    "ExecutionEnvironment",
    "FunctionConfig",
    "InvocationResult",
    "LaunchSpec",
    "LogEvent",
    "LogSink",
    "RuntimeResolver",
    "RuntimeUnavailable",
    "new_log_stream_name",
    "reserved_keys_in",
]
