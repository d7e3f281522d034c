"""Encryption at rest with a KMS key (SSESpecification SSEType KMS): the key is resolved through
KMS itself, as the caller (DescribeKey), so an unknown, disabled or inaccessible key is refused and
the table shows the key's ARN, the AWS-managed `alias/aws/dynamodb` key when none is named. Items
are not encrypted on disk with it (Stratus is not a vault); the key contract is what is real."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb.common import ValidationException

DEFAULT_KEY = "alias/aws/dynamodb"


async def with_key_arn(ctx: RequestContext, req: dict, member: str = "SSESpecification") -> dict:
    """`req` with its SSE specification's KMSMasterKeyId replaced by the key's ARN (a copy), or
    as it is when it asks for no KMS encryption."""
    spec = req.get(member)
    if not spec or not spec.get("Enabled") or (spec.get("SSEType") or "KMS") != "KMS":
        return req
    key_id = spec.get("KMSMasterKeyId") or DEFAULT_KEY
    try:
        described = await ctx.aws(
            "kms", source_arn=f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/*"
        ).describe_key(KeyId=key_id)
    except ServiceError as error:
        # Guessed wording: DynamoDB refuses a key KMS cannot find or lets the caller not use.
        raise ValidationException(f"KMSMasterKeyId {key_id} is not valid: {error.message}") from None
    metadata = described["KeyMetadata"]
    if metadata.get("KeyState") != "Enabled":
        raise ValidationException(
            f"KMSMasterKeyId {key_id} is not valid: the key is {metadata.get('KeyState')}"
        )
    return {**req, member: {**spec, "SSEType": "KMS", "KMSMasterKeyId": metadata["Arn"]}}
