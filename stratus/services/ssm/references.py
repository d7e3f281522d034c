"""`/aws/reference/secretsmanager/<secret-id>[:<version-id or staging label>]`: a Secrets Manager
secret read through Parameter Store (GetParameter and GetParameters, WithDecryption required).

The secret is read with Secrets Manager's GetSecretValue through the internal client, as the
caller (AWS requires the caller's secretsmanager:GetSecretValue). The wordings below are AWS's as
reported by measurements against AWS; the SourceResult's date format is guessed.
"""

from __future__ import annotations

import json
import re

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.ssm.common import AccessDeniedException, ParameterNotFound, ValidationException

PREFIX = "/aws/reference/secretsmanager/"
NEEDS_DECRYPTION = "WithDecryption flag must be True for retrieving a Secret Manager secret."
INVALID_REQUEST = "Invalid Request to Secrets Manager"
_VERSION_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_reference(name: str) -> bool:
    return name.startswith(PREFIX)


def _not_found(name: str, selector: str | None) -> ParameterNotFound:
    # AWS prints the name without its leading slash and "null" for a missing selector.
    suffix = f":{selector}" if selector is not None else "null"
    return ParameterNotFound(
        f"An error occurred (ParameterNotFound) when referencing Secrets Manager: "
        f"Secret {name.lstrip('/')}{suffix} not found."
    )


def _source_result(secret: dict) -> str:
    document: dict = {"ARN": secret["ARN"], "name": secret["Name"], "versionId": secret["VersionId"]}
    if "SecretString" in secret:
        document["secretString"] = secret["SecretString"]
    document["versionStages"] = secret.get("VersionStages", [])
    created = secret.get("CreatedDate")
    if created is not None:
        document["createdDate"] = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(document, separators=(",", ":"))


async def read_reference(ctx: RequestContext, name: str, selector: str | None, with_decryption: bool) -> dict:
    """The Parameter answer for a reference (`name` without its selector)."""
    if not with_decryption:
        raise ValidationException(NEEDS_DECRYPTION)
    request: dict = {"SecretId": name[len(PREFIX) :]}
    if selector is not None:
        request["VersionId" if _VERSION_ID.fullmatch(selector) else "VersionStage"] = selector
    try:
        secret = await ctx.aws("secretsmanager").get_secret_value(**request)
    except ServiceError as error:
        if error.code == "ResourceNotFoundException":
            raise _not_found(name, selector) from None
        if error.code == "InvalidRequestException":
            raise ValidationException(INVALID_REQUEST) from None
        if error.code in ("AccessDeniedException", "AccessDenied"):
            raise AccessDeniedException(error.message) from None
        raise
    out: dict = {"Name": name, "Type": "SecureString", "Version": 0}
    if "SecretString" in secret:
        out["Value"] = secret["SecretString"]
    if secret.get("CreatedDate") is not None:
        out["LastModifiedDate"] = secret["CreatedDate"]
    out["ARN"] = secret["ARN"]
    out["SourceResult"] = _source_result(secret)
    if selector is not None:
        out["Selector"] = f":{selector}"
    return out
