"""The checks that ask something outside the lambda database: the role (IAM), the runtime (this
machine), the code (the request or S3)."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from stratus.auth.credentials import Principal
from stratus.core.context import RequestContext
from stratus.core.internal_client import InternalClient
from stratus.lambda_runtime.runtimes import RuntimeResolver
from stratus.protocol.errors import ServiceError
from stratus.services.lambda_ import code_store, hot_reload
from stratus.services.lambda_.common import InvalidParameterValue, ValidationError, validation_message
from stratus.services.lambda_.function_config import deprecated_runtime_message

ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
_ROLE = re.compile(r"arn:(?:aws[a-zA-Z-]*)?:iam::(?P<account>\d{12}):role/?(?P<path>[a-zA-Z_0-9+=,.@\-_/]+)")
ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"

_resolver = RuntimeResolver()  # one per process: it caches what it found


async def check_role(ctx: RequestContext, role_arn: str) -> None:
    """The role exists and its trust policy lets lambda.amazonaws.com assume it."""
    match = _ROLE.fullmatch(role_arn or "")
    if match is None:
        raise ValidationError(
            validation_message(
                role_arn, "role", f"Member must satisfy regular expression pattern: {ROLE_PATTERN}"
            )
        )
    role_name = match["path"].rsplit("/", 1)[-1]
    # The caller must be allowed to pass the role to Lambda (checked when IAM is audited/enforced).
    ctx.runtime.auth.check(ctx, "iam:PassRole", role_arn, context={"iam:PassedToService": LAMBDA_PRINCIPAL})
    # Lambda reads the role on the account's behalf: the caller needs no iam:GetRole for it.
    iam = InternalClient(
        ctx.runtime, "iam", Principal.root(match["account"]), region=ctx.region, account_id=match["account"]
    )
    try:
        role = (await iam.get_role(RoleName=role_name))["Role"]
    except ServiceError as error:
        if error.code == "NoSuchEntity":
            raise InvalidParameterValue(ROLE_NOT_ASSUMABLE) from None
        raise
    if not trusts_lambda(role.get("AssumeRolePolicyDocument") or ""):
        raise InvalidParameterValue(ROLE_NOT_ASSUMABLE)


def trusts_lambda(document: str) -> bool:
    """Whether a trust policy (as IAM returns it, URL-encoded) allows Lambda's sts:AssumeRole."""
    try:
        policy = json.loads(unquote(document))
    except ValueError:
        return False
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements or []:
        if not isinstance(statement, dict) or not _names_lambda(statement.get("Principal")):
            continue
        if not _allows_assume(statement.get("Action")):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _names_lambda(principal: object) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return LAMBDA_PRINCIPAL in _as_list(principal.get("Service")) or "*" in _as_list(principal.get("AWS"))


def _allows_assume(action: object) -> bool:
    return any(isinstance(a, str) and a.lower() in ("sts:assumerole", "sts:*", "*") for a in _as_list(action))


async def check_runtime(ctx: RequestContext, runtime: str | None, handler: str | None) -> None:
    if not runtime or not handler:
        raise InvalidParameterValue(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages."
        )
    deprecated = deprecated_runtime_message(runtime)
    if deprecated:
        raise InvalidParameterValue(deprecated)
    reason = await ctx.offload(_resolver.unavailable_reason, runtime)
    if reason is not None:
        raise InvalidParameterValue(reason)


async def code_from(
    ctx: RequestContext, source: dict, operation: str
) -> tuple[bytes | hot_reload.HotReloadSource, code_store.CheckedCode]:
    """The zip a Code structure (or UpdateFunctionCode's members) names, checked; for hot reload,
    the local directory instead of a zip."""
    zip_file, bucket, key = source.get("ZipFile"), source.get("S3Bucket"), source.get("S3Key")
    if source.get("ImageUri"):
        raise InvalidParameterValue(
            "Stratus runs functions as local processes and does not support container images (ImageUri)."
        )
    if zip_file is not None and (bucket or key):
        # Guessed wording (AWS refuses a ZipFile together with an S3 location).
        raise InvalidParameterValue(
            "Please do not provide other FunctionCode parameters when providing a ZipFile."
        )
    hot = hot_reload.source_of(bucket, key)
    if hot is not None:
        return hot, hot_reload.checked(hot)
    if zip_file is not None:
        body = bytes(zip_file)
        if len(body) > code_store.MAX_ZIPPED_BYTES:
            raise code_store.upload_too_large(operation)
    elif bucket and key:
        body = await _s3_object(ctx, bucket, key, source.get("S3ObjectVersion"))
    else:
        # Guessed wording.
        raise InvalidParameterValue("Please provide a source for function code.")
    checked = await ctx.offload(code_store.check_zip, body)
    return body, checked


async def _s3_object(ctx: RequestContext, bucket: str, key: str, version: str | None) -> bytes:
    params = {"Bucket": bucket, "Key": key}
    if version:
        params["VersionId"] = version
    try:
        got = await ctx.aws("s3").get_object(**params)
    except ServiceError as error:
        raise InvalidParameterValue(
            f"Error occurred while GetObject. S3 Error Code: {error.code}. S3 Error Message: {error.message}"
        ) from None
    if int(got.get("ContentLength") or 0) > code_store.MAX_UNZIPPED_BYTES:
        raise InvalidParameterValue(code_store.UNZIPPED_TOO_LARGE_MESSAGE)
    body = got["Body"]
    try:
        return body.read() if hasattr(body, "read") else bytes(body)
    finally:
        if hasattr(body, "close"):
            body.close()
