"""PutRuntimeManagementConfig / GetRuntimeManagementConfig (per version: `$LATEST` or a published
version, never an alias) and PutFunctionRecursionConfig / GetFunctionRecursionConfig (per function).

Both are stored in lambda_function_settings and shown back as Lambda shows them. What they do not
change: Stratus runs one version of each runtime (the local one, see
function_config.runtime_version_arn), so a pinned RuntimeVersionArn is kept and reported but runs
the same runtime; and Stratus does not detect recursive loops, so `Terminate` stops nothing.
"""

from __future__ import annotations

import json
import re
from functools import cache

from stratus.core.context import RequestContext
from stratus.protocol.loader import service_model
from stratus.services.lambda_.common import LATEST, InvalidParameterValue, ValidationError, validation_message
from stratus.services.lambda_.function_store import Function
from stratus.services.lambda_.functions import find_latest, resolve
from stratus.store import Database

RUNTIME_MANAGEMENT = "runtime_management"
RECURSION = "recursion"
DEFAULT_RUNTIME_MANAGEMENT = {"UpdateRuntimeOn": "Auto"}
DEFAULT_RECURSIVE_LOOP = "Terminate"
# Guessed wordings (marked in the tests): AWS documents the rule, not its message.
MANUAL_NEEDS_ARN = "RuntimeVersionArn is required when UpdateRuntimeOn is set to Manual."
ARN_ONLY_FOR_MANUAL = "RuntimeVersionArn can only be specified when UpdateRuntimeOn is set to Manual."


def setting(db: Database, function_id: str, qualifier: str, name: str) -> dict | None:
    row = db.query_one(
        "SELECT value FROM lambda_function_settings WHERE function_id = ? AND qualifier = ? AND name = ?",
        (function_id, qualifier, name),
    )
    return json.loads(row["value"]) if row is not None else None


def put_setting(db: Database, function_id: str, qualifier: str, name: str, value: dict) -> None:
    db.execute(
        "INSERT INTO lambda_function_settings (function_id, qualifier, name, value) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (function_id, qualifier, name) DO UPDATE SET value = excluded.value",
        (function_id, qualifier, name, json.dumps(value)),
    )


def recursive_loop(db: Database, function_id: str) -> str:
    """`Terminate` (Lambda's default) or `Allow`, for whoever implements loop detection."""
    stored = setting(db, function_id, LATEST, RECURSION)
    return stored["RecursiveLoop"] if stored else DEFAULT_RECURSIVE_LOOP


class FunctionSettingOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    # ------------------------------------------------------------------ runtime management

    def put_runtime_management_config(self, ctx: RequestContext, req: dict) -> dict:
        mode = req["UpdateRuntimeOn"]
        arn = req.get("RuntimeVersionArn")
        if mode == "Manual" and not arn:
            raise InvalidParameterValue(MANUAL_NEEDS_ARN)
        if mode != "Manual" and arn:
            raise InvalidParameterValue(ARN_ONLY_FOR_MANUAL)
        if arn:
            _check_runtime_version_arn(arn)
        value = {"UpdateRuntimeOn": mode, **({"RuntimeVersionArn": arn} if arn else {})}
        db = self.db()
        with db.transaction():
            function = _version(ctx, db, req)
            put_setting(db, function.function_id, function.version, RUNTIME_MANAGEMENT, value)
        return _runtime_management(function, value)

    def get_runtime_management_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = _version(ctx, db, req)
        value = setting(db, function.function_id, function.version, RUNTIME_MANAGEMENT)
        return _runtime_management(function, value or DEFAULT_RUNTIME_MANAGEMENT)

    # ------------------------------------------------------------------ recursion

    def put_function_recursion_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            function = find_latest(ctx, db, req["FunctionName"])
            put_setting(db, function.function_id, LATEST, RECURSION, {"RecursiveLoop": req["RecursiveLoop"]})
        return {"RecursiveLoop": req["RecursiveLoop"]}

    def get_function_recursion_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = find_latest(ctx, db, req["FunctionName"])
        return {"RecursiveLoop": recursive_loop(db, function.function_id)}


def _version(ctx: RequestContext, db: Database, req: dict) -> Function:
    """`$LATEST` or the published version the request names; an alias is refused, as by Lambda."""
    resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
    if resolved.alias is not None:
        raise InvalidParameterValue(
            f"The provided function name {resolved.latest.arn}:{resolved.qualifier} is invalid. "
            "Aliases are not allowed."
        )
    return resolved.function


def _runtime_management(function: Function, value: dict) -> dict:
    shown = {"UpdateRuntimeOn": value["UpdateRuntimeOn"], "FunctionArn": function.qualified_arn}
    if value["UpdateRuntimeOn"] == "Manual":
        shown["RuntimeVersionArn"] = value["RuntimeVersionArn"]
    return shown


def _check_runtime_version_arn(arn: str) -> None:
    pattern = _runtime_version_arn_pattern()
    if not re.fullmatch(pattern, arn):
        raise ValidationError(
            validation_message(
                arn, "runtimeVersionArn", f"Member must satisfy regular expression pattern: {pattern}"
            )
        )


@cache
def _runtime_version_arn_pattern() -> str:
    shape = service_model("lambda").operation_model("PutRuntimeManagementConfig").input_shape
    return shape.members["RuntimeVersionArn"].metadata["pattern"]
