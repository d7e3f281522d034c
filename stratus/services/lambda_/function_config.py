"""A function's configuration: Lambda's checks of each member, its defaults, and how it is shown.

`config` (stored as JSON) holds the members exactly as FunctionConfiguration shows them; the code
columns, revision and state are added when rendering.
"""

from __future__ import annotations

import hashlib
import json
import re

from stratus.lambda_runtime.function_env import RESERVED_KEYS_MESSAGE, reserved_keys_in
from stratus.services.lambda_.common import (
    InvalidParameterValue,
    ValidationError,
    last_modified,
    validation_message,
)
from stratus.services.lambda_.function_store import Function

MAX_TIMEOUT = 900
MAX_MEMORY = 10240
MAX_ENVIRONMENT_BYTES = 4096
_VARIABLE_NAME = re.compile(r"[a-zA-Z]([a-zA-Z0-9_])+")

# Runtimes Lambda no longer accepts for new or updated functions, with what it recommends instead.
DEPRECATED_RUNTIMES = {
    "python2.7": "python3.13",
    "python3.6": "python3.13",
    "python3.7": "python3.13",
    "nodejs": "nodejs22.x",
    "nodejs4.3": "nodejs22.x",
    "nodejs4.3-edge": "nodejs22.x",
    "nodejs6.10": "nodejs22.x",
    "nodejs8.10": "nodejs22.x",
    "nodejs10.x": "nodejs22.x",
    "nodejs12.x": "nodejs22.x",
    "dotnetcore1.0": "dotnet8",
    "dotnetcore2.0": "dotnet8",
    "dotnetcore2.1": "dotnet8",
    "dotnetcore3.1": "dotnet8",
    "ruby2.5": "ruby3.3",
    "ruby2.7": "ruby3.3",
    "go1.x": "provided.al2023",
}
# The members that are kept as given (after their checks) and shown back.
PLAIN_MEMBERS = ("Runtime", "Role", "Handler", "Description", "Timeout", "MemorySize", "KMSKeyArn")


def deprecated_runtime_message(runtime: str) -> str | None:
    successor = DEPRECATED_RUNTIMES.get(runtime)
    if successor is None:
        return None
    return (
        f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda "
        f"functions. We recommend you use the new runtime ({successor}) while creating or updating functions."
    )


def check_limits(req: dict) -> None:
    """Timeout and MemorySize within Lambda's limits (the model's ranges are wider)."""
    timeout = req.get("Timeout")
    if timeout is not None and timeout > MAX_TIMEOUT:
        raise ValidationError(
            validation_message(
                timeout, "timeout", f"Member must have value less than or equal to {MAX_TIMEOUT}"
            )
        )
    memory = req.get("MemorySize")
    if memory is not None and memory > MAX_MEMORY:
        raise ValidationError(
            validation_message(
                memory, "memorySize", f"Member must have value less than or equal to {MAX_MEMORY}"
            )
        )


def environment(given: dict | None) -> dict | None:
    """The Environment member to store (None: no variables), after Lambda's checks."""
    variables = (given or {}).get("Variables") or {}
    if not variables:
        return None
    for name in variables:
        if not _VARIABLE_NAME.fullmatch(name):
            raise ValidationError(
                "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: "
                "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
                "[a-zA-Z]([a-zA-Z0-9_])+]"
            )
    reserved = reserved_keys_in(variables)
    if reserved:
        raise InvalidParameterValue(RESERVED_KEYS_MESSAGE.format(keys=",".join(reserved)))
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterValue(
            "Lambda was unable to configure your environment variables because the environment variables "
            f"you have provided exceeded the 4KB limit. String measured: {measured}"
        )
    return {"Variables": dict(variables)}


def logging_config(given: dict | None, current: dict | None, name: str) -> dict:
    config = dict(current or {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"})
    config.update(given or {})
    if not config.get("LogGroup"):
        config["LogGroup"] = f"/aws/lambda/{name}"
    if config.get("LogFormat") == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    elif given and ("ApplicationLogLevel" in given or "SystemLogLevel" in given):
        # Guessed wording: AWS refuses log levels for the Text format.
        raise InvalidParameterValue("Log levels can only be configured when LogFormat is set to JSON.")
    else:
        config.pop("ApplicationLogLevel", None)
        config.pop("SystemLogLevel", None)
    return config


def vpc_config(given: dict) -> dict | None:
    subnets, groups = given.get("SubnetIds") or [], given.get("SecurityGroupIds") or []
    if not subnets and not groups:
        return None
    return {
        "SubnetIds": list(subnets),
        "SecurityGroupIds": list(groups),
        "VpcId": "",  # no EC2 yet to resolve the subnets' VPC
        "Ipv6AllowedForDualStack": bool(given.get("Ipv6AllowedForDualStack", False)),
    }


def apply(config: dict, req: dict, name: str) -> dict:
    """The configuration after the members present in `req` (CreateFunction or an update)."""
    check_limits(req)
    updated = dict(config)
    for member in PLAIN_MEMBERS:
        if member in req:
            updated[member] = req[member]
    if "Environment" in req:
        variables = environment(req["Environment"])
        if variables is None:
            updated.pop("Environment", None)
        else:
            updated["Environment"] = variables
    if "TracingConfig" in req:
        updated["TracingConfig"] = {"Mode": req["TracingConfig"].get("Mode") or "PassThrough"}
    if "DeadLetterConfig" in req:
        target = (req["DeadLetterConfig"] or {}).get("TargetArn")
        if target:
            updated["DeadLetterConfig"] = {"TargetArn": target}
        else:
            updated.pop("DeadLetterConfig", None)
    if "VpcConfig" in req:
        vpc = vpc_config(req["VpcConfig"] or {})
        if vpc is None:
            updated.pop("VpcConfig", None)
        else:
            updated["VpcConfig"] = vpc
    if "EphemeralStorage" in req:
        updated["EphemeralStorage"] = {"Size": req["EphemeralStorage"]["Size"]}
    if "SnapStart" in req:
        updated["SnapStart"] = {
            "ApplyOn": req["SnapStart"].get("ApplyOn") or "None",
            "OptimizationStatus": "Off",
        }
    if "LoggingConfig" in req or "LoggingConfig" not in updated:
        updated["LoggingConfig"] = logging_config(
            req.get("LoggingConfig"), updated.get("LoggingConfig"), name
        )
    if req.get("KMSKeyArn") == "":
        updated.pop("KMSKeyArn", None)
    return updated


def new_config(req: dict, name: str) -> dict:
    """CreateFunction's configuration: the request's members over Lambda's defaults."""
    defaults = {
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "TracingConfig": {"Mode": "PassThrough"},
        "PackageType": req.get("PackageType") or "Zip",
        "Architectures": list(req.get("Architectures") or ["x86_64"]),
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
    }
    if len(defaults["Architectures"]) != 1:
        raise ValidationError(
            validation_message(
                defaults["Architectures"], "architectures", "Member must have length less than or equal to 1"
            )
        )
    return apply(defaults, req, name)


def runtime_version_arn(region: str, runtime: str) -> str:
    # A stable identifier per runtime: Stratus has one version of each runtime (the local one).
    digest = hashlib.sha256(f"stratus:{runtime}".encode()).hexdigest()
    return f"arn:aws:lambda:{region}::runtime:{digest}"


def configuration(function: Function, *, qualified: bool = False) -> dict:
    """FunctionConfiguration of a version as GetFunctionConfiguration shows it (state Active).

    A published version's ARN is qualified; `$LATEST`'s only where Lambda lists it among the
    versions (`qualified`)."""
    config = function.config
    arn = function.qualified_arn if qualified or not function.is_latest else function.arn
    shown: dict = {"FunctionName": function.name, "FunctionArn": arn}
    for member in ("Runtime", "Role", "Handler"):
        if member in config:
            shown[member] = config[member]
    shown.update(
        CodeSize=function.code_size,
        Description=config.get("Description", ""),
        Timeout=config["Timeout"],
        MemorySize=config["MemorySize"],
        LastModified=last_modified(function.last_modified),
        CodeSha256=function.code_sha256,
        Version=function.version,
    )
    for member in ("VpcConfig", "Environment", "DeadLetterConfig", "KMSKeyArn", "Layers"):
        if member in config:
            shown[member] = config[member]
    shown.update(
        TracingConfig=config["TracingConfig"],
        RevisionId=function.revision_id,
        State="Active",
        LastUpdateStatus="Successful",
        PackageType=config["PackageType"],
        Architectures=config["Architectures"],
        EphemeralStorage=config["EphemeralStorage"],
        SnapStart=config["SnapStart"],
    )
    if "Runtime" in config:
        shown["RuntimeVersionConfig"] = {
            "RuntimeVersionArn": runtime_version_arn(function.region, config["Runtime"])
        }
    shown["LoggingConfig"] = config["LoggingConfig"]
    return shown


def creating(shown: dict) -> dict:
    """CreateFunction's answer: the function is still being created."""
    answer = {key: value for key, value in shown.items() if not key.startswith("LastUpdateStatus")}
    answer.update(State="Pending", StateReason="The function is being created.", StateReasonCode="Creating")
    return answer


def updating(shown: dict) -> dict:
    """An update's answer: the update is in progress (AWS's documented example wording)."""
    answer = dict(shown)
    answer.update(
        LastUpdateStatus="InProgress",
        LastUpdateStatusReason="The function is being created.",
        LastUpdateStatusReasonCode="Creating",
    )
    return answer
