"""Code signing configurations (CreateCodeSigningConfig, GetCodeSigningConfig,
UpdateCodeSigningConfig, DeleteCodeSigningConfig, ListCodeSigningConfigs) and their use by functions
(PutFunctionCodeSigningConfig, GetFunctionCodeSigningConfig, DeleteFunctionCodeSigningConfig,
ListFunctionsByCodeSigningConfig).

What is and is not enforced: Stratus has no AWS Signer, so no code package can carry a signature it
could verify. A configuration is stored and attached exactly as Lambda does (and a configuration in
use cannot be deleted), but the signature checks are not made. A deployment to a function whose
configuration says `UntrustedArtifactOnDeployment: Enforce` is refused with AWS's
CodeVerificationFailedException, since Lambda refuses code it cannot verify under Enforce; with
`Warn` the deployment goes ahead, as in AWS (which would also emit a SignatureValidationErrors
metric: Stratus does not). The allowed signing profiles are kept, never consulted.
`check_deployment` is the hook CreateFunction and UpdateFunctionCode call.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from functools import cache

from stratus.core.context import RequestContext
from stratus.protocol.loader import service_model

# A module import: functions.py may import this module for its hooks.
from stratus.services.lambda_ import functions
from stratus.services.lambda_.common import (
    LambdaError,
    ResourceConflict,
    ResourceNotFound,
    ValidationError,
    last_modified,
    validation_message,
)
from stratus.store import Database

DEFAULT_MAX_ITEMS = 50
DEFAULT_POLICIES = {"UntrustedArtifactOnDeployment": "Warn"}
_ARN = re.compile(
    r"arn:(?P<partition>aws[a-zA-Z-]*):lambda:(?P<region>[^:]+):(?P<account>\d{12}):code-signing-config:(?P<id>csc-[a-z0-9]{17})"
)
# Guessed wordings (marked in the tests): AWS documents the conditions, not these messages.
IN_USE = "The code signing configuration {arn} cannot be deleted because it is used by one or more functions."
CANNOT_VERIFY = (
    "Lambda cannot deploy the function. The function or layer might be signed using a signature that the client "
    "is not configured to accept. Stratus cannot verify code signatures (there is no AWS Signer here), and the "
    "code signing configuration {arn} is set to Enforce (UntrustedArtifactOnDeployment)."
)


class CodeSigningConfigNotFound(LambdaError):
    code = "CodeSigningConfigNotFoundException"
    status = 404


class CodeVerificationFailed(LambdaError):
    code = "CodeVerificationFailedException"
    status = 400


@dataclass(frozen=True, slots=True)
class CodeSigningConfig:
    arn: str
    account_id: str
    region: str
    config_id: str
    config: dict  # Description, AllowedPublishers, CodeSigningPolicies, Tags
    last_modified: float

    def shown(self) -> dict:
        return {
            "CodeSigningConfigId": self.config_id,
            "CodeSigningConfigArn": self.arn,
            "Description": self.config.get("Description", ""),
            "AllowedPublishers": self.config["AllowedPublishers"],
            "CodeSigningPolicies": self.config["CodeSigningPolicies"],
            "LastModified": last_modified(self.last_modified),
        }

    @property
    def enforced(self) -> bool:
        return self.config["CodeSigningPolicies"].get("UntrustedArtifactOnDeployment") == "Enforce"


# ---------------------------------------------------------------------- the hooks for functions.py


def check_deployment(db: Database, config_arn: str | None) -> None:
    """Call before accepting new code: CreateFunction with its `CodeSigningConfigArn`,
    UpdateFunctionCode with `config_of_function(db, function_id)`. Raises
    CodeSigningConfigNotFoundException for an unknown configuration and CodeVerificationFailedException
    when the configuration enforces signatures (which Stratus cannot verify)."""
    if not config_arn:
        return
    found = find_config(db, config_arn)
    if found is None:
        raise _config_not_found(config_arn)
    if found.enforced:
        raise CodeVerificationFailed(CANNOT_VERIFY.format(arn=config_arn))


def attach(db: Database, function_id: str, config_arn: str) -> None:
    """Use this configuration for the function (CreateFunction's CodeSigningConfigArn, inside its
    transaction, after `check_deployment`)."""
    db.execute(
        "INSERT INTO lambda_function_code_signing (function_id, config_arn) VALUES (?, ?)"
        " ON CONFLICT (function_id) DO UPDATE SET config_arn = excluded.config_arn",
        (function_id, config_arn),
    )


def config_of_function(db: Database, function_id: str) -> str | None:
    row = db.query_one(
        "SELECT config_arn FROM lambda_function_code_signing WHERE function_id = ?", (function_id,)
    )
    return row["config_arn"] if row is not None else None


def find_config(db: Database, config_arn: str) -> CodeSigningConfig | None:
    match = _ARN.fullmatch(config_arn or "")
    if match is None:
        return None
    row = db.query_one(
        "SELECT * FROM lambda_code_signing_configs WHERE account_id = ? AND region = ? AND config_id = ?",
        (match["account"], match["region"], match["id"]),
    )
    return _config(row, match["partition"]) if row is not None else None


def config_tags(db: Database, config_arn: str) -> dict[str, str] | None:
    """The tags given at CreateCodeSigningConfig (for ListTags on a configuration's ARN)."""
    found = find_config(db, config_arn)
    return dict(found.config.get("Tags") or {}) if found is not None else None


def _config(row, partition: str = "aws") -> CodeSigningConfig:
    return CodeSigningConfig(
        arn=f"arn:{partition}:lambda:{row['region']}:{row['account_id']}:code-signing-config:{row['config_id']}",
        account_id=row["account_id"],
        region=row["region"],
        config_id=row["config_id"],
        config=json.loads(row["config"]),
        last_modified=row["last_modified"],
    )


def _save(db: Database, config: CodeSigningConfig) -> None:
    db.execute(
        "INSERT INTO lambda_code_signing_configs (account_id, region, config_id, config, last_modified)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, region, config_id) DO UPDATE SET"
        " config = excluded.config, last_modified = excluded.last_modified",
        (config.account_id, config.region, config.config_id, json.dumps(config.config), config.last_modified),
    )


def _config_not_found(arn: str) -> CodeSigningConfigNotFound:
    return CodeSigningConfigNotFound(
        f"The code signing configuration cannot be found. Check that the provided configuration is not deleted: {arn}."
    )


def _resource_not_found(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"The Lambda code signing configuration {arn} can not be found.")


class CodeSigningOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def _config_or_fail(self, db: Database, arn: str) -> CodeSigningConfig:
        found = find_config(db, arn)
        if found is None:
            raise _resource_not_found(arn)
        return found

    # ------------------------------------------------------------------ configurations

    def create_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        publishers = _publishers(req["AllowedPublishers"])
        config_id = "csc-" + secrets.token_hex(9)[:17]
        config = CodeSigningConfig(
            arn=f"arn:{ctx.partition}:lambda:{ctx.region}:{ctx.account_id}:code-signing-config:{config_id}",
            account_id=ctx.account_id,
            region=ctx.region,
            config_id=config_id,
            config={
                "Description": req.get("Description") or "",
                "AllowedPublishers": publishers,
                "CodeSigningPolicies": {**DEFAULT_POLICIES, **(req.get("CodeSigningPolicies") or {})},
                "Tags": dict(req.get("Tags") or {}),
            },
            last_modified=ctx.runtime.clock.time(),
        )
        db = self.db()
        with db.transaction():
            _save(db, config)
        return {"CodeSigningConfig": config.shown()}

    def get_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        return {"CodeSigningConfig": self._config_or_fail(self.db(), req["CodeSigningConfigArn"]).shown()}

    def update_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            found = self._config_or_fail(db, req["CodeSigningConfigArn"])
            config = dict(found.config)
            if "Description" in req:
                config["Description"] = req["Description"]
            if "AllowedPublishers" in req:
                config["AllowedPublishers"] = _publishers(req["AllowedPublishers"])
            if "CodeSigningPolicies" in req:
                config["CodeSigningPolicies"] = {**DEFAULT_POLICIES, **(req["CodeSigningPolicies"] or {})}
            updated = CodeSigningConfig(
                found.arn, found.account_id, found.region, found.config_id, config, ctx.runtime.clock.time()
            )
            _save(db, updated)
        return {"CodeSigningConfig": updated.shown()}

    def delete_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            found = self._config_or_fail(db, req["CodeSigningConfigArn"])
            if db.query_one(
                "SELECT 1 FROM lambda_function_code_signing WHERE config_arn = ? LIMIT 1", (found.arn,)
            ):
                raise ResourceConflict(IN_USE.format(arn=found.arn))
            db.execute(
                "DELETE FROM lambda_code_signing_configs WHERE account_id = ? AND region = ? AND config_id = ?",
                (found.account_id, found.region, found.config_id),
            )
        return {}

    def list_code_signing_configs(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        rows = self.db().query(
            "SELECT * FROM lambda_code_signing_configs WHERE account_id = ? AND region = ? AND config_id > ?"
            " ORDER BY config_id LIMIT ?",
            (ctx.account_id, ctx.region, req.get("Marker") or "", limit + 1),
        )
        page = [_config(row, ctx.partition) for row in rows]
        answer: dict = {"CodeSigningConfigs": [config.shown() for config in page[:limit]]}
        if len(page) > limit:
            answer["NextMarker"] = page[limit - 1].config_id
        return answer

    # ------------------------------------------------------------------ functions

    def put_function_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        arn = req["CodeSigningConfigArn"]
        with db.transaction():
            if find_config(db, arn) is None:
                raise _config_not_found(arn)
            function = functions.find_latest(ctx, db, req["FunctionName"])
            attach(db, function.function_id, arn)
        return {"CodeSigningConfigArn": arn, "FunctionName": function.name}

    def get_function_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = functions.find_latest(ctx, db, req["FunctionName"])
        arn = config_of_function(db, function.function_id)
        if arn is None:
            return {}  # as Lambda answers for a function without one
        return {"CodeSigningConfigArn": arn, "FunctionName": function.name}

    def delete_function_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            function = functions.find_latest(ctx, db, req["FunctionName"])
            db.execute(
                "DELETE FROM lambda_function_code_signing WHERE function_id = ?", (function.function_id,)
            )
        return {}

    def list_functions_by_code_signing_config(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        found = self._config_or_fail(db, req["CodeSigningConfigArn"])
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        rows = db.query(
            "SELECT f.arn FROM lambda_function_code_signing s JOIN lambda_functions f ON f.function_id = s.function_id"
            " WHERE s.config_arn = ? AND f.arn > ? ORDER BY f.arn LIMIT ?",
            (found.arn, req.get("Marker") or "", limit + 1),
        )
        arns = [row["arn"] for row in rows]
        answer: dict = {"FunctionArns": arns[:limit]}
        if len(arns) > limit:
            answer["NextMarker"] = arns[limit - 1]
        return answer


def _publishers(given: dict) -> dict:
    """AllowedPublishers after the model's pattern check of each profile ARN."""
    pattern = _profile_arn_pattern()
    arns = list(given.get("SigningProfileVersionArns") or [])
    for index, arn in enumerate(arns, start=1):
        if not re.fullmatch(pattern, arn):
            raise ValidationError(
                validation_message(
                    arn,
                    f"allowedPublishers.signingProfileVersionArns.{index}.member",
                    f"Member must satisfy regular expression pattern: {pattern}",
                )
            )
    return {"SigningProfileVersionArns": arns}


@cache
def _profile_arn_pattern() -> str:
    return (
        service_model("lambda")
        .shape_for("AllowedPublishers")
        .members["SigningProfileVersionArns"]
        .member.metadata["pattern"]
    )
