"""Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s): how asynchronous invocations of a version
or alias are retried and where their results go (async_invoke.py reads them)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.core.context import RequestContext
from stratus.services.lambda_.common import LATEST, InvalidParameterValue, ResourceNotFound
from stratus.services.lambda_.functions import Resolved, resolve
from stratus.store import Database

DEFAULT_MAX_RETRY_ATTEMPTS = 2
DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 3600
DEFAULT_MAX_ITEMS = 50
_DESTINATION_SERVICES = {
    "OnSuccess": ("sqs", "sns", "lambda", "events"),
    "OnFailure": ("sqs", "sns", "lambda", "events", "s3"),
}
_SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


@dataclass(frozen=True, slots=True)
class AsyncSettings:
    """What governs one asynchronous invocation (AWS's defaults when no config exists)."""

    max_retry_attempts: int = DEFAULT_MAX_RETRY_ATTEMPTS
    max_event_age: int = DEFAULT_MAX_EVENT_AGE_SECONDS
    on_success: str | None = None
    on_failure: str | None = None


def async_settings(db: Database, function_id: str, qualifier: str) -> AsyncSettings:
    stored = _stored(db, function_id, qualifier)
    if stored is None:
        return AsyncSettings()
    config = stored[0]
    destinations = config.get("DestinationConfig") or {}
    return AsyncSettings(
        max_retry_attempts=config.get("MaximumRetryAttempts", DEFAULT_MAX_RETRY_ATTEMPTS),
        max_event_age=config.get("MaximumEventAgeInSeconds", DEFAULT_MAX_EVENT_AGE_SECONDS),
        on_success=(destinations.get("OnSuccess") or {}).get("Destination"),
        on_failure=(destinations.get("OnFailure") or {}).get("Destination"),
    )


def config_qualifier(resolved: Resolved) -> str:
    """Configs belong to what was named: an alias, a version, or `$LATEST` (unqualified)."""
    return resolved.qualifier or LATEST


class EventInvokeConfigOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def put_function_event_invoke_config(self, ctx: RequestContext, req: dict) -> dict:
        return self._write_config(ctx, req, merge=False)

    def update_function_event_invoke_config(self, ctx: RequestContext, req: dict) -> dict:
        return self._write_config(ctx, req, merge=True)

    def get_function_event_invoke_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
        qualifier = config_qualifier(resolved)
        stored = _stored(db, resolved.latest.function_id, qualifier)
        if stored is None:
            raise _no_config(resolved, qualifier)
        return _shown(resolved, qualifier, *stored)

    def delete_function_event_invoke_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
            qualifier = config_qualifier(resolved)
            if _stored(db, resolved.latest.function_id, qualifier) is None:
                raise _no_config(resolved, qualifier)
            db.execute(
                "DELETE FROM lambda_event_invoke_configs WHERE function_id = ? AND qualifier = ?",
                (resolved.latest.function_id, qualifier),
            )
        return {}

    def list_function_event_invoke_configs(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        resolved = resolve(ctx, db, req["FunctionName"])
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        rows = db.query(
            "SELECT qualifier, config, last_modified FROM lambda_event_invoke_configs"
            " WHERE function_id = ? AND qualifier > ? ORDER BY qualifier LIMIT ?",
            (resolved.latest.function_id, req.get("Marker") or "", limit + 1),
        )
        shown = [
            _shown(resolved, row["qualifier"], json.loads(row["config"]), row["last_modified"])
            for row in rows
        ]
        answer: dict = {"FunctionEventInvokeConfigs": shown[:limit]}
        if len(rows) > limit:
            answer["NextMarker"] = rows[limit - 1]["qualifier"]
        return answer

    def _write_config(self, ctx: RequestContext, req: dict, *, merge: bool) -> dict:
        db = self.db()
        with db.transaction():
            resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
            qualifier = config_qualifier(resolved)
            stored = _stored(db, resolved.latest.function_id, qualifier)
            config = dict(stored[0]) if merge and stored is not None else {}
            for member in _SETTINGS:
                if member in req:
                    config[member] = req[member]
            _check_destinations(config.get("DestinationConfig") or {})
            now = ctx.runtime.clock.time()
            db.execute(
                "INSERT INTO lambda_event_invoke_configs (function_id, qualifier, config, last_modified)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (function_id, qualifier) DO UPDATE SET"
                " config = excluded.config, last_modified = excluded.last_modified",
                (resolved.latest.function_id, qualifier, json.dumps(config), now),
            )
        return _shown(resolved, qualifier, config, now)


def _stored(db: Database, function_id: str, qualifier: str) -> tuple[dict, float] | None:
    row = db.query_one(
        "SELECT config, last_modified FROM lambda_event_invoke_configs WHERE function_id = ? AND qualifier = ?",
        (function_id, qualifier),
    )
    return (json.loads(row["config"]), row["last_modified"]) if row is not None else None


def _shown(resolved: Resolved, qualifier: str, config: dict, last_modified: float) -> dict:
    shown: dict = {"LastModified": last_modified, "FunctionArn": f"{resolved.latest.arn}:{qualifier}"}
    for member in _SETTINGS:
        if member in config:
            shown[member] = config[member]
    shown.setdefault("DestinationConfig", {"OnSuccess": {}, "OnFailure": {}})
    return shown


def _no_config(resolved: Resolved, qualifier: str) -> ResourceNotFound:
    return ResourceNotFound(
        f"The function {resolved.latest.arn}:{qualifier} doesn't have an EventInvokeConfig"
    )


def _check_destinations(destinations: dict) -> None:
    for kind, allowed in _DESTINATION_SERVICES.items():
        target = (destinations.get(kind) or {}).get("Destination")
        if not target:
            continue
        parts = target.split(":")
        if len(parts) < 6 or parts[0] != "arn" or parts[2] not in allowed:
            # Guessed wording (AWS names the destination it refuses).
            raise InvalidParameterValue(
                f"The destination ARN {target} is invalid. {kind} destinations must be an Amazon SQS queue, "
                "an Amazon SNS topic, a Lambda function or an EventBridge event bus"
                + (" or an Amazon S3 bucket." if kind == "OnFailure" else ".")
            )
