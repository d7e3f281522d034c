"""Server-side encryption as object requests ask for it: SSE-S3, SSE-KMS and SSE-C.

What a write asks for (its `x-amz-server-side-encryption*` members, else the bucket's default
encryption) becomes the version's (or upload's) encryption record, kept in its `extra` column:
`{"ServerSideEncryption": "AES256"}` for SSE-S3, or `{"SSECustomerAlgorithm": "AES256",
"SSECustomerKeyMD5": <base64>}` for SSE-C. An SSE-C key itself is never stored, only its MD5; a
read, a copy or a part upload must present the key with that MD5 again. Bodies are stored as
sent (Stratus is not a vault); what is emulated is the contract clients see.

SSE-KMS and DSSE-KMS records are made with KMS (kms_encryption.py): `requested_encryption` says
what the write asks for, `kms_encryption.seal` gets the data key before the version is stored.

Deliberate difference: S3 refuses SSE-C requests sent over plain HTTP. Stratus has no TLS
listener, so it accepts them over HTTP, so that SSE-C flows can be tested locally.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets

from stratus.core.context import RequestContext
from stratus.services.s3 import kms_encryption
from stratus.services.s3.common import (
    AccessDenied,
    InvalidArgument,
    InvalidRequest,
    S3Error,
    _error,
    s3_error,
)
from stratus.services.s3.config_encryption import KMS_ALGORITHMS, default_encryption
from stratus.services.s3.config_store import ENCRYPTION, read_config
from stratus.store import Database

SSE_S3 = "AES256"
SSE_HEADER = "x-amz-server-side-encryption"
CUSTOMER_ALGORITHM = "AES256"
CUSTOMER_KEY_BYTES = 32
KMS_MEMBERS = ("SSEKMSKeyId", "SSEKMSEncryptionContext")
# The SSE-C members of a request, for the object written or read, and for a copy's source.
CUSTOMER_MEMBERS = ("SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5")
COPY_SOURCE_PREFIX = "CopySource"
# The response members of a write, as a browser upload (POST) answers them in headers.
RESPONSE_HEADERS = {
    "ServerSideEncryption": SSE_HEADER,
    "SSEKMSKeyId": "x-amz-server-side-encryption-aws-kms-key-id",
    "BucketKeyEnabled": "x-amz-server-side-encryption-bucket-key-enabled",
    "SSECustomerAlgorithm": "x-amz-server-side-encryption-customer-algorithm",
    "SSECustomerKeyMD5": "x-amz-server-side-encryption-customer-key-MD5",
}

InvalidEncryptionAlgorithm = _error(
    "InvalidEncryptionAlgorithmError",
    400,
    "The Encryption request you specified is not valid. Supported value: AES256.",
)
NOT_SUPPORTED = "The encryption method specified is not supported"
KMS_HEADER_REQUIRED = "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"
INCOMPATIBLE = (
    "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"
)
NO_ALGORITHM = "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm."
NO_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key."
MD5_MISMATCH = "The calculated MD5 hash of the key did not match the hash that was provided."
BAD_KEY = "The secret key was invalid for the specified algorithm."
KEY_REQUIRED = (
    "The object was stored using a form of Server Side Encryption. "
    "The correct parameters must be provided to retrieve the object."
)
WRONG_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key."
NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
PART_KEY_REQUIRED = (
    "The multipart upload initiate requested encryption. "
    "Subsequent part requests must include the appropriate encryption parameters."
)
PART_KEY_MISMATCH = "The provided encryption parameters did not match the ones used originally."
KMS_NAMES = {
    "aws:kms": "Server-side encryption with AWS KMS keys (SSE-KMS)",
    "aws:kms:dsse": "Dual-layer server-side encryption with AWS KMS keys (DSSE-KMS)",
}


def _argument(message: str, value: object = "null") -> S3Error:
    # S3 names x-amz-server-side-encryption for every SSE-C problem, the key's MD5 included.
    return s3_error(InvalidArgument, message, ArgumentName=SSE_HEADER, ArgumentValue=value)


# ---------------------------------------------------------------------------------------- SSE-C


def customer_key_md5(req: dict, prefix: str = "") -> str | None:
    """The MD5 of the SSE-C key a request presents (checked as S3 checks it), or None without SSE-C.

    `prefix` "CopySource" reads the copy source's members (x-amz-copy-source-server-side-encryption-*).
    """
    algorithm, key, key_md5 = (req.get(prefix + name) for name in CUSTOMER_MEMBERS)
    if algorithm is None and key is None and key_md5 is None:
        return None
    if algorithm is None:
        raise _argument(NO_ALGORITHM)
    if key is None:
        raise _argument(NO_KEY)
    if algorithm != CUSTOMER_ALGORITHM:
        raise s3_error(InvalidEncryptionAlgorithm, ArgumentName=SSE_HEADER, ArgumentValue=algorithm)
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise _argument(BAD_KEY) from None
    calculated = base64.b64encode(hashlib.md5(raw, usedforsecurity=False).digest()).decode("ascii")
    if key_md5 != calculated:  # S3 checks the MD5 before the key's size
        raise _argument(MD5_MISMATCH)
    if len(raw) != CUSTOMER_KEY_BYTES:
        raise _argument(BAD_KEY)
    return calculated


def _customer_record(key_md5: str) -> dict:
    return {"SSECustomerAlgorithm": CUSTOMER_ALGORITHM, "SSECustomerKeyMD5": key_md5}


def is_customer_encrypted(extra: dict) -> bool:
    return "SSECustomerKeyMD5" in extra


def check_read_key(extra: dict, req: dict, *, copy_source: bool = False) -> None:
    """A read of a version (GET, HEAD, GetObjectAttributes, a copy's source) presents its SSE-C key,
    and only an SSE-C version may be read with one."""
    prefix = COPY_SOURCE_PREFIX if copy_source else ""
    stored = extra.get("SSECustomerKeyMD5")
    if stored is not None:
        presented = [req.get(prefix + name) for name in CUSTOMER_MEMBERS]
        if all(value is None for value in presented):
            raise s3_error(InvalidRequest, KEY_REQUIRED)
        if presented[2] is not None and presented[2] != stored:
            raise s3_error(AccessDenied, WRONG_KEY)
    key_md5 = customer_key_md5(req, prefix)
    if key_md5 is None:
        return
    if stored is None:
        raise s3_error(InvalidRequest, NOT_APPLICABLE)
    if key_md5 != stored:
        raise s3_error(AccessDenied, WRONG_KEY)


def check_part_key(upload_extra: dict, req: dict, *, required: bool = True) -> None:
    """UploadPart / UploadPartCopy (and CompleteMultipartUpload, where the key is optional) carry the
    SSE-C key their upload was initiated with, and none for an upload without one."""
    key_md5 = customer_key_md5(req)
    stored = upload_extra.get("SSECustomerKeyMD5")
    if key_md5 is None and (stored is None or not required):
        return
    if key_md5 is None or stored is None:
        raise s3_error(InvalidRequest, PART_KEY_REQUIRED)
    if key_md5 != stored:
        raise s3_error(InvalidRequest, PART_KEY_MISMATCH)


# ---------------------------------------------------------------------------------------- writes


def requested_encryption(db: Database, bucket: str, key: str, req: dict, ctx: RequestContext) -> dict:
    """The encryption record a write gives its version (PutObject, POST, CopyObject, multipart
    uploads): what the request asks for, else the bucket's default. Raises S3's error for a request
    S3 refuses, 501 for SSE-KMS."""
    algorithm = req.get("ServerSideEncryption")
    key_md5 = None
    if any(req.get(name) is not None for name in CUSTOMER_MEMBERS):
        if algorithm is not None:
            raise _argument(INCOMPATIBLE, algorithm)
        key_md5 = customer_key_md5(req)
    if algorithm is not None and algorithm != SSE_S3 and algorithm not in KMS_ALGORITHMS:
        raise _argument(NOT_SUPPORTED, algorithm)
    if algorithm not in KMS_ALGORITHMS and any(req.get(name) is not None for name in KMS_MEMBERS):
        raise _argument(KMS_HEADER_REQUIRED)
    if algorithm in KMS_ALGORITHMS:
        return kms_encryption.pending(
            algorithm, req.get("SSEKMSKeyId"), req.get("SSEKMSEncryptionContext"), req.get("BucketKeyEnabled")
        )
    if key_md5 is not None:
        _check_customer_keys_allowed(db, bucket, key, ctx)
        return _customer_record(key_md5)
    if algorithm is None:
        by_default = default_encryption(db, bucket).get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = by_default.get("SSEAlgorithm", SSE_S3)
        if algorithm in KMS_ALGORITHMS:
            rule = default_encryption(db, bucket)
            bucket_key = req.get("BucketKeyEnabled")
            return kms_encryption.pending(
                algorithm,
                by_default.get("KMSMasterKeyID"),
                None,
                rule.get("BucketKeyEnabled") if bucket_key is None else bucket_key,
            )
    return {"ServerSideEncryption": algorithm}


def _check_customer_keys_allowed(db: Database, bucket: str, key: str, ctx: RequestContext) -> None:
    """A bucket whose default encryption blocks SSE-C refuses SSE-C writes."""
    rule = default_encryption(db, bucket)
    if "SSE-C" not in (rule.get("BlockedEncryptionTypes") or {}).get("EncryptionType", []):
        return
    action = "PutObject" if ctx.operation == "PostObject" else ctx.operation
    raise s3_error(
        AccessDenied,
        f"User: {ctx.principal.arn} is not authorized to perform: s3:{action} on resource: "
        f'"arn:aws:s3:::{bucket}/{key}" because this bucket has blocked upload requests that specify '
        "Server Side Encryption with Customer provided keys (SSE-C). Please specify a different "
        "server-side encryption type",
    )


def changes_encryption(db: Database, bucket: str, req: dict) -> bool:
    """Whether a copy of an object onto itself sets its encryption: S3 allows such a copy when it names
    any encryption, or when the bucket has a default encryption configured."""
    named = ("ServerSideEncryption", *KMS_MEMBERS, *CUSTOMER_MEMBERS)
    return any(req.get(name) is not None for name in named) or read_config(db, bucket, ENCRYPTION) is not None


def new_etag(record: dict, md5_hex: str) -> str:
    """The ETag of a body written in one piece (an object or a part): its MD5, except under SSE-C,
    where S3's ETag is documented not to be the MD5 of the data (and differs at each write)."""
    if is_customer_encrypted(record):
        return f'"{secrets.token_hex(16)}"'
    return f'"{md5_hex}"'


# ---------------------------------------------------------------------------------------- answers


def encryption_fields(extra: dict) -> dict:
    """The encryption members of a write's or a read's answer (versions written before Stratus kept
    a record are SSE-S3, as every object has been since 2023)."""
    if is_customer_encrypted(extra):
        return _customer_record(extra["SSECustomerKeyMD5"])
    if kms_encryption.is_kms(extra):
        return kms_encryption.answer_fields(extra)
    return {"ServerSideEncryption": extra.get("ServerSideEncryption", SSE_S3)}


def completion_fields(extra: dict) -> dict:
    """CompleteMultipartUpload answers the server-side encryption only, never SSE-C's members."""
    return {} if is_customer_encrypted(extra) else encryption_fields(extra)


def response_headers(result: dict) -> list[tuple[str, str]]:
    """A write's encryption members as the headers of a browser upload's answer."""
    return [
        (header, _header_text(result[member]))
        for member, header in RESPONSE_HEADERS.items()
        if member in result
    ]


def _header_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
