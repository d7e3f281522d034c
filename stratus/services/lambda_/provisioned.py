"""PutProvisionedConcurrencyConfig, GetProvisionedConcurrencyConfig,
DeleteProvisionedConcurrencyConfig, ListProvisionedConcurrencyConfigs.

Provisioned concurrency belongs to a published version or an alias, never to `$LATEST`. It comes
out of the function's reserved concurrency when it has one, otherwise out of the account's
unreserved concurrency, which must keep its minimum. Put answers IN_PROGRESS with nothing
allocated yet (AWS's 202); from then on the configuration is READY with everything requested
allocated: the invoke path pre-starts that many environments (`provisioned_for`).
"""

from __future__ import annotations

import json

from stratus.core.context import RequestContext
from stratus.services.lambda_.alias_store import list_aliases
from stratus.services.lambda_.common import (
    LATEST,
    InvalidParameterValue,
    LambdaError,
    ResourceConflict,
    ResourceNotFound,
    last_modified,
    parse_function_name,
)
from stratus.services.lambda_.concurrency_limits import ConcurrencyLimits
from stratus.services.lambda_.function_store import account_usage, find_function
from stratus.services.lambda_.functions import Resolved, find_latest, resolve
from stratus.store import Database

DEFAULT_MAX_ITEMS = 50
UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
NOT_A_VERSION = "The function resource provided must be an alias or a published version."
NO_CONFIG = "No Provisioned Concurrency Config found for this function"
OVER_RESERVED = "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
ALIAS_ON_PROVISIONED_VERSION = (
    "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"
)
VERSION_UNDER_PROVISIONED_ALIAS = "Version is pointed by a Provisioned Concurrency alias"


class ProvisionedConcurrencyConfigNotFound(LambdaError):
    code = "ProvisionedConcurrencyConfigNotFoundException"
    status = 404


# ---------------------------------------------------------------------- for the invoke path and limits


def provisioned_for(db: Database, function_id: str, qualifier: str) -> int:
    """How many environments a version or alias ('3', 'live') keeps provisioned (0: none)."""
    row = db.query_one(
        "SELECT requested FROM lambda_provisioned_concurrency WHERE function_id = ? AND qualifier = ?",
        (function_id, qualifier),
    )
    return int(row["requested"]) if row is not None else 0


def provisioned_total(db: Database, function_id: str, *, except_qualifier: str = "") -> int:
    """Provisioned concurrency of all a function's versions and aliases, but `except_qualifier`
    (PutFunctionConcurrency may not reserve less than the total)."""
    row = db.query_one(
        "SELECT COALESCE(SUM(requested), 0) AS total FROM lambda_provisioned_concurrency"
        " WHERE function_id = ? AND qualifier != ?",
        (function_id, except_qualifier),
    )
    return int(row["total"])


def provisioned_outside_reservations(db: Database, account_id: str, region: str) -> int:
    """Provisioned concurrency of functions without reserved concurrency: it is taken from the
    account's unreserved concurrency (GetAccountSettings' UnreservedConcurrentExecutions)."""
    row = db.query_one(
        "SELECT COALESCE(SUM(p.requested), 0) AS total FROM lambda_provisioned_concurrency p"
        " JOIN lambda_functions f ON f.function_id = p.function_id"
        " WHERE f.account_id = ? AND f.region = ? AND f.reserved_concurrency IS NULL",
        (account_id, region),
    )
    return int(row["total"])


class ProvisionedConcurrencyOperations:
    concurrency_limits: ConcurrencyLimits  # provided by LambdaProvider

    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def put_provisioned_concurrency_config(self, ctx: RequestContext, req: dict) -> dict:
        if _qualifier(req) == LATEST:
            raise InvalidParameterValue(UNPUBLISHED)
        wanted = req["ProvisionedConcurrentExecutions"]
        db = self.db()
        now = ctx.runtime.clock.time()
        with db.transaction():
            resolved = _resolve(ctx, db, req)
            latest, qualifier = resolved.latest, resolved.qualifier or ""
            if resolved.alias is not None and resolved.alias.function_version == LATEST:
                raise InvalidParameterValue(UNPUBLISHED)
            _check_overlap(db, resolved)
            others = provisioned_total(db, latest.function_id, except_qualifier=qualifier)
            if latest.reserved_concurrency is not None:
                if others + wanted > latest.reserved_concurrency:
                    raise InvalidParameterValue(OVER_RESERVED)
            else:
                current = provisioned_for(db, latest.function_id, qualifier)
                _check_account(db, ctx, self.concurrency_limits, wanted, current)
            db.execute(
                "INSERT INTO lambda_provisioned_concurrency (function_id, qualifier, requested, last_modified)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (function_id, qualifier) DO UPDATE SET"
                " requested = excluded.requested, last_modified = excluded.last_modified",
                (latest.function_id, qualifier, wanted, now),
            )
            forget_outcome(db, latest.function_id, qualifier)  # IN_PROGRESS until the provider records it
        return {
            "RequestedProvisionedConcurrentExecutions": wanted,
            "AllocatedProvisionedConcurrentExecutions": 0,
            "AvailableProvisionedConcurrentExecutions": 0,
            "Status": "IN_PROGRESS",
            "LastModified": last_modified(now),
        }

    def get_provisioned_concurrency_config(self, ctx: RequestContext, req: dict) -> dict:
        if _qualifier(req) == LATEST:
            raise InvalidParameterValue(NOT_A_VERSION)
        db = self.db()
        resolved = _resolve(ctx, db, req)
        row = db.query_one(
            "SELECT * FROM lambda_provisioned_concurrency WHERE function_id = ? AND qualifier = ?",
            (resolved.latest.function_id, resolved.qualifier),
        )
        if row is None:
            raise ProvisionedConcurrencyConfigNotFound(NO_CONFIG)
        return _shown(db, row)

    def delete_provisioned_concurrency_config(self, ctx: RequestContext, req: dict) -> dict:
        if _qualifier(req) == LATEST:
            raise InvalidParameterValue(NOT_A_VERSION)
        db = self.db()
        with db.transaction():
            resolved = _resolve(ctx, db, req)
            # Deleting a configuration that does not exist succeeds, as in Lambda.
            db.execute(
                "DELETE FROM lambda_provisioned_concurrency WHERE function_id = ? AND qualifier = ?",
                (resolved.latest.function_id, resolved.qualifier),
            )
            forget_outcome(db, resolved.latest.function_id, resolved.qualifier)
        return {}

    def list_provisioned_concurrency_configs(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        latest = find_latest(ctx, db, req["FunctionName"])
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        rows = db.query(
            "SELECT * FROM lambda_provisioned_concurrency WHERE function_id = ? AND qualifier > ?"
            " ORDER BY qualifier LIMIT ?",
            (latest.function_id, req.get("Marker") or "", limit + 1),
        )
        items = [
            {"FunctionArn": f"{latest.arn}:{row['qualifier']}", **_shown(db, row)} for row in rows[:limit]
        ]
        answer: dict = {"ProvisionedConcurrencyConfigs": items}
        if len(rows) > limit:
            answer["NextMarker"] = rows[limit - 1]["qualifier"]
        return answer


def _qualifier(req: dict) -> str | None:
    return req.get("Qualifier") or parse_function_name(req["FunctionName"]).qualifier


def _resolve(ctx: RequestContext, db: Database, req: dict) -> Resolved:
    """The version or alias named; Lambda's wording for an alias that does not exist."""
    try:
        return resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
    except ResourceNotFound:
        ref = parse_function_name(req["FunctionName"])
        qualifier = req.get("Qualifier") or ref.qualifier or ""
        latest = find_function(db, ref.account_id or ctx.account_id, ref.region or ctx.region, ref.name)
        if latest is not None and not qualifier.isdigit():
            raise ResourceNotFound(f"Cannot find alias arn: {latest.arn}:{qualifier}") from None
        raise


def _check_overlap(db: Database, resolved: Resolved) -> None:
    """A version is provisioned either directly or through one alias, not both."""
    function_id = resolved.latest.function_id
    if resolved.alias is not None:
        if provisioned_for(db, function_id, resolved.alias.function_version):
            raise ResourceConflict(ALIAS_ON_PROVISIONED_VERSION)
        return
    version = resolved.function.version
    after = ""
    while batch := list_aliases(db, function_id, after, 100):
        for alias in batch:
            if alias.function_version == version and provisioned_for(db, function_id, alias.name):
                raise ResourceConflict(VERSION_UNDER_PROVISIONED_ALIAS)
        after = batch[-1].name


def _check_account(
    db: Database, ctx: RequestContext, limits: ConcurrencyLimits, wanted: int, current: int
) -> None:
    """Provisioned concurrency of a function without a reservation comes out of the account's
    unreserved concurrency, which must keep its minimum."""
    _, _, reserved = account_usage(db, ctx.account_id, ctx.region)
    unreserved = (
        limits.account - reserved - provisioned_outside_reservations(db, ctx.account_id, ctx.region) + current
    )
    if wanted > unreserved:
        raise InvalidParameterValue(
            f"Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{unreserved}]."
        )
    if unreserved - wanted < limits.min_unreserved:
        raise InvalidParameterValue(
            "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below "
            f"its minimum value of [{limits.min_unreserved}]."
        )


# What the environments started for a configuration reached (the provider records it, in
# lambda_function_settings under this name): until then the configuration is IN_PROGRESS.
OUTCOME_SETTING = "provisioned-outcome"


def record_outcome(db: Database, function_id: str, qualifier: str, ready: int, reason: str | None) -> None:
    """How many environments are initialised, and why not all of them (None: all are)."""
    value = json.dumps({"ready": ready, "reason": reason})
    with db.transaction():
        db.execute(
            "INSERT INTO lambda_function_settings (function_id, qualifier, name, value) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (function_id, qualifier, name) DO UPDATE SET value = excluded.value",
            (function_id, qualifier, OUTCOME_SETTING, value),
        )


def forget_outcome(db: Database, function_id: str, qualifier: str) -> None:
    db.execute(
        "DELETE FROM lambda_function_settings WHERE function_id = ? AND qualifier = ? AND name = ?",
        (function_id, qualifier, OUTCOME_SETTING),
    )


def _shown(db: Database, row) -> dict:
    """The configuration with the state its environments reached: IN_PROGRESS while they start,
    READY when all are initialised, FAILED (with the reason) when one could not be."""
    requested = int(row["requested"])
    outcome = db.query_one(
        "SELECT value FROM lambda_function_settings WHERE function_id = ? AND qualifier = ? AND name = ?",
        (row["function_id"], row["qualifier"], OUTCOME_SETTING),
    )
    ready, reason, status = 0, None, "IN_PROGRESS"
    if outcome is not None:
        found = json.loads(outcome["value"])
        ready, reason = min(int(found["ready"]), requested), found.get("reason")
        status = "FAILED" if reason else "READY"
    shown = {
        "RequestedProvisionedConcurrentExecutions": requested,
        "AvailableProvisionedConcurrentExecutions": ready,
        "AllocatedProvisionedConcurrentExecutions": ready,
        "Status": status,
        "LastModified": last_modified(row["last_modified"]),
    }
    if reason:
        shown["StatusReason"] = reason
    return shown
