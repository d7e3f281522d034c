"""The bytes LocalStack's own endpoints answer, for tools that talk to them.

testcontainers, awslocal, docker-compose health checks and init-script waiters read
`/_localstack/health`, `/_localstack/info` and `/_localstack/init[/<stage>]`, sometimes with grep
(`grep '"s3": "running"'`), so key order and separators matter. Facts from LocalStack's
`localstack/services/internal.py` and `localstack/aws/handlers/internal.py`:

- JSON bodies are `json.dumps` with default separators (`", "`, `": "`), ASCII-escaped, served
  as `application/json`.
- `HEAD /_localstack/health` answers 200 `ok` as `text/plain; charset=utf-8`.
- An unknown `/_localstack/init/<stage>` answers 404 with an empty body.
"""

from __future__ import annotations

import json
import platform
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from stratus.core.init_hooks import STAGES, InitReport, ScriptStatus, UnknownStageError, normalize_stage

JSON_CONTENT_TYPE = "application/json"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"

# HEAD /_localstack/health
HEALTH_HEAD_STATUS = 200
HEALTH_HEAD_BODY = b"ok"

# GET /_localstack/init/<stage> for a name that is no stage
UNKNOWN_STAGE_STATUS = 404
UNKNOWN_STAGE_BODY = b""

# Service states LocalStack reports (its ServiceState enum values).
UNKNOWN = "unknown"
AVAILABLE = "available"  # implemented, not started yet
DISABLED = "disabled"  # excluded by configuration (LocalStack: not in SERVICES)
STARTING = "starting"
RUNNING = "running"  # started: it has served a request
STOPPING = "stopping"
STOPPED = "stopped"
ERROR = "error"  # failed to load or start

# LocalStack names services after botocore's service names ("events", "logs", "cloudwatch",
# "dynamodbstreams", "resource-groups", "stepfunctions", ...), so a botocore name maps to
# itself. The endpoint prefixes / signing names that differ are folded here as a convenience.
_ALIASES: dict[str, str] = {
    "monitoring": "cloudwatch",
    "states": "stepfunctions",
    "streams.dynamodb": "dynamodbstreams",
    "tagging": "resourcegroupstaggingapi",
    "s3-control": "s3control",
    "email": "ses",
}


def localstack_service_name(botocore_name: str) -> str:
    """The name LocalStack's health document uses for a service."""
    return _ALIASES.get(botocore_name, botocore_name)


def service_states(
    implemented: Iterable[str], started: Iterable[str] = (), disabled: Iterable[str] = ()
) -> dict[str, str]:
    """botocore names -> LocalStack names and states: running if started, else available."""
    states = {localstack_service_name(name): AVAILABLE for name in implemented}
    for name in disabled:
        states[localstack_service_name(name)] = DISABLED
    for name in started:
        states[localstack_service_name(name)] = RUNNING
    return states


def _dumps(document: object) -> bytes:
    return json.dumps(document).encode("ascii")


def _plugin_order(name: str) -> str:
    # LocalStack lists services in the order of its plugin names "<service>:<provider>", which
    # puts "acm-pca" before "acm" and "rds-data" before "rds".
    return name + ":"


def health_document(
    services: Mapping[str, str],
    *,
    edition: str,
    version: str,
    features: Mapping[str, object] | None = None,
) -> bytes:
    """Body of `GET /_localstack/health`: `{"services": {...}, "edition": ..., "version": ...}`.

    `services` maps LocalStack service names to states; they are listed in LocalStack's order.
    `features` (LocalStack Pro writes e.g. {"persistence": "disabled"}) comes first when given.
    """
    document: dict[str, object] = {}
    if features:
        document["features"] = dict(features)
    document["services"] = {name: services[name] for name in sorted(services, key=_plugin_order)}
    document["edition"] = edition
    document["version"] = version
    return _dumps(document)


def info_document(
    *,
    version: str,
    edition: str,
    session_id: str,
    machine_id: str,
    uptime_seconds: int,
    is_docker: bool,
    server_time_utc: str,
    is_license_activated: bool = False,
    system: str | None = None,
) -> bytes:
    """Body of `GET /_localstack/info`, keys in LocalStack's order.

    `system` defaults to the OS name in lower case ("linux"), as LocalStack reports it outside
    Docker ("docker" inside). `server_time_utc` is `format_server_time(...)`.
    """
    return _dumps(
        {
            "version": version,
            "edition": edition,
            "is_license_activated": is_license_activated,
            "session_id": session_id,
            "machine_id": machine_id,
            "system": system if system is not None else platform.system().lower(),
            "is_docker": is_docker,
            "server_time_utc": server_time_utc,
            "uptime": int(uptime_seconds),
        }
    )


def format_server_time(moment: datetime) -> str:
    """UTC, to the second, no zone suffix: '2023-11-25T19:28:20' (naive times are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def new_session_id() -> str:
    """A session id shaped like LocalStack's (a UUID4)."""
    return str(uuid.uuid4())


def new_machine_id() -> str:
    """A machine id shaped like LocalStack's generated ones: 'gen_' and 12 characters of a UUID."""
    return "gen_" + str(uuid.uuid4())[:12]


def _script_entry(script: ScriptStatus) -> dict[str, str]:
    return {"stage": script.stage, "name": script.name, "state": script.state}


def init_document(report: InitReport) -> bytes:
    """Body of `GET /_localstack/init`: completion per stage and every script with its stage."""
    return _dumps(
        {
            "completed": {stage: report.completed[stage] for stage in STAGES},
            "scripts": [_script_entry(script) for script in report.scripts],
        }
    )


def init_stage_document(report: InitReport, stage: str) -> bytes:
    """Body of `GET /_localstack/init/<stage>` (any letter case); UnknownStageError otherwise."""
    name = normalize_stage(stage)
    return _dumps(
        {
            "completed": report.completed[name],
            "scripts": [_script_entry(script) for script in report.scripts if script.stage == name],
        }
    )


def init_stage_response(report: InitReport, stage: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for `GET /_localstack/init/<stage>`, unknown stages included."""
    try:
        return 200, JSON_CONTENT_TYPE, init_stage_document(report, stage)
    except UnknownStageError:
        return UNKNOWN_STAGE_STATUS, TEXT_CONTENT_TYPE, UNKNOWN_STAGE_BODY
