"""SSE-KMS and DSSE-KMS: S3 asks KMS for a data key when an object is written, and asks KMS to
decrypt it when the object is read, exactly where S3 does, as the caller (so with IAM enforced
the caller needs kms:GenerateDataKey and kms:Decrypt, and a disabled, deleted or unknown key fails
the request with KMS's error, as in AWS).

Bodies are still stored as sent (encryption.py: Stratus is not a vault); what is real is the key
contract. The record kept in a version's `extra`: ServerSideEncryption, SSEKMSKeyId (the key's
ARN, as S3 answers it), BucketKeyEnabled, the encrypted data key and the encryption context
(`aws:s3:arn` of the object, plus what the request gave in SSEKMSEncryptionContext).
"""

from __future__ import annotations

import base64
import binascii
import json

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.s3.common import InvalidArgument, S3Error, s3_error

DEFAULT_KEY = "alias/aws/s3"
RECORD_KEY_ID = "SSEKMSKeyId"
RECORD_DATA_KEY = "KMSDataKey"
RECORD_CONTEXT = "KMSContext"
RECORD_BUCKET_KEY = "BucketKeyEnabled"
# Wording from S3's documentation of the x-amz-server-side-encryption-context header.
BAD_CONTEXT = "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map"


def pending(algorithm: str, key_id: str | None, context: str | None, bucket_key: bool | None) -> dict:
    """What a write asks of KMS, before the data key is made (encryption.requested_encryption)."""
    record: dict = {"ServerSideEncryption": algorithm, RECORD_KEY_ID: key_id or DEFAULT_KEY}
    if context is not None:
        record[RECORD_CONTEXT] = _user_context(context)
    if bucket_key:
        record[RECORD_BUCKET_KEY] = True
    return record


def is_kms(extra: dict) -> bool:
    return RECORD_KEY_ID in extra


async def seal(ctx: RequestContext, bucket: str, key: str, record: dict) -> dict:
    """The version's record once KMS has made its data key (a non-KMS record is returned as is)."""
    if not is_kms(record) or RECORD_DATA_KEY in record:
        return record
    context = {**record.get(RECORD_CONTEXT, {}), "aws:s3:arn": f"arn:{ctx.partition}:s3:::{bucket}/{key}"}
    kms = ctx.aws("kms", source_arn=f"arn:{ctx.partition}:s3:::{bucket}")  # the caller's own rights
    try:
        answer = await kms.generate_data_key(
            KeyId=record[RECORD_KEY_ID], KeySpec="AES_256", EncryptionContext=context
        )
    except ServiceError as error:
        raise _kms_error(error) from None
    sealed = {**record, RECORD_KEY_ID: answer["KeyId"], RECORD_CONTEXT: context}
    sealed[RECORD_DATA_KEY] = base64.b64encode(answer["CiphertextBlob"]).decode("ascii")
    return sealed


async def unseal(ctx: RequestContext, bucket: str, extra: dict) -> None:
    """Reading an SSE-KMS object: KMS must decrypt its data key for the caller."""
    if not is_kms(extra) or RECORD_DATA_KEY not in extra:
        return
    kms = ctx.aws("kms", source_arn=f"arn:{ctx.partition}:s3:::{bucket}")
    try:
        await kms.decrypt(
            CiphertextBlob=base64.b64decode(extra[RECORD_DATA_KEY]),
            EncryptionContext=extra.get(RECORD_CONTEXT) or {},
            KeyId=extra[RECORD_KEY_ID],
        )
    except ServiceError as error:
        raise _kms_error(error) from None


def answer_fields(extra: dict) -> dict:
    """The SSE-KMS members of an answer: the key's ARN and, when asked for, the bucket key."""
    fields: dict = {
        "ServerSideEncryption": extra["ServerSideEncryption"],
        RECORD_KEY_ID: extra[RECORD_KEY_ID],
    }
    if extra.get(RECORD_BUCKET_KEY):
        fields[RECORD_BUCKET_KEY] = True
    return fields


def _user_context(encoded: str) -> dict[str, str]:
    try:
        document = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise s3_error(InvalidArgument, BAD_CONTEXT) from None
    if not isinstance(document, dict) or not all(isinstance(v, str) for v in document.values()):
        raise s3_error(InvalidArgument, BAD_CONTEXT)
    return document


def _kms_error(error: ServiceError) -> S3Error:
    """KMS's refusal as S3 passes it on: AccessDenied stays AccessDenied (403); the others keep
    KMS's code with S3's `KMS.` prefix and status."""
    if error.code == "AccessDeniedException" or error.status == 403:
        return S3Error(error.message, code="AccessDenied", status=403)
    return S3Error(
        error.message, code=f"KMS.{error.code}", status=error.status, sender_fault=error.sender_fault
    )
