"""SecureString values, encrypted for real through KMS (DESIGN.md §3: through the internal client).

Standard-tier values are encrypted with KMS Encrypt under the parameter's key (`alias/aws/ssm` by
default) and kept as the base64 ciphertext, which is what AWS answers without decryption.
Advanced-tier values may reach 8 KB, past what KMS Encrypt takes, so, as in AWS, they are sealed
with a data key from KMS GenerateDataKey (AES-256-GCM here) and kept with the encrypted data key.
Every KMS call carries the encryption context `{"PARAMETER_ARN": arn}` and runs as the caller, as
in AWS: the caller of PutParameter/GetParameter must be allowed kms:Encrypt/kms:Decrypt on the key.
The parameter's ARN goes along as the call's source, which KMS reads as `kms:ViaService` =
`ssm.<region>.amazonaws.com`: the policy of the AWS managed key `alias/aws/ssm` lets every principal
of the account use it through SSM, so only customer keys need the caller's own KMS permissions.
"""

from __future__ import annotations

import base64
import os
import struct
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stratus.core import ids
from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.ssm.common import ADVANCED, AccessDeniedException, InvalidKeyId

if TYPE_CHECKING:
    from stratus.core.internal_client import InternalClient

DEFAULT_KEY = "alias/aws/ssm"
_ENVELOPE = 1  # format byte of an advanced-tier value: version, key length, key, nonce, sealed text
_NONCE_BYTES = 12
# KMS answers that mean the key cannot be used: SSM reports them as InvalidKeyId.
_KEY_PROBLEMS = frozenset(
    {
        "NotFoundException",
        "DisabledException",
        "KMSInvalidStateException",
        "InvalidKeyUsageException",
        "InvalidArnException",
        "KeyUnavailableException",
        "IncorrectKeyException",
        "InvalidCiphertextException",
        "ValidationException",
    }
)


def _from_kms(error: ServiceError) -> ServiceError:
    """A KMS error as SSM answers it: KMS's message with the Java SDK's service details appended."""
    detail = (
        f"{error.message} (Service: AWSKMS; Status Code: {error.status}; Error Code: {error.code}; "
        f"Request ID: {ids.request_id()}; Proxy: null)"
    )
    if error.code in _KEY_PROBLEMS:
        return InvalidKeyId(detail)
    if error.code in ("AccessDeniedException", "AccessDenied"):
        return AccessDeniedException(detail)
    return error  # anything else (a 501 from an unfinished KMS, throttling ...) passes unchanged


def _context(arn: str) -> dict[str, str]:
    return {"PARAMETER_ARN": arn}


def _kms(ctx: RequestContext, arn: str) -> InternalClient:
    """KMS as the caller, through SSM (for kms:ViaService)."""
    return ctx.aws("kms", source_arn=arn)


async def encrypt(ctx: RequestContext, arn: str, key_id: str, tier: str, plaintext: str) -> str:
    """The stored form of a SecureString value."""
    kms = _kms(ctx, arn)
    data = plaintext.encode()
    try:
        if tier != ADVANCED:
            answer = await kms.encrypt(KeyId=key_id, Plaintext=data, EncryptionContext=_context(arn))
            return base64.b64encode(answer["CiphertextBlob"]).decode()
        answer = await kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=_context(arn))
    except ServiceError as error:
        raise _from_kms(error) from None
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(answer["Plaintext"]).encrypt(nonce, data, arn.encode())
    wrapped = answer["CiphertextBlob"]
    envelope = struct.pack(">BH", _ENVELOPE, len(wrapped)) + wrapped + nonce + sealed
    return base64.b64encode(envelope).decode()


async def decrypt(ctx: RequestContext, arn: str, tier: str, stored: str) -> str:
    """The plaintext of a stored SecureString value (KMS Decrypt as the caller)."""
    blob = base64.b64decode(stored)
    kms = _kms(ctx, arn)
    if tier != ADVANCED:
        try:
            answer = await kms.decrypt(CiphertextBlob=blob, EncryptionContext=_context(arn))
        except ServiceError as error:
            raise _from_kms(error) from None
        return answer["Plaintext"].decode()
    _, key_length = struct.unpack_from(">BH", blob)
    wrapped = blob[3 : 3 + key_length]
    nonce = blob[3 + key_length : 3 + key_length + _NONCE_BYTES]
    sealed = blob[3 + key_length + _NONCE_BYTES :]
    try:
        answer = await kms.decrypt(CiphertextBlob=wrapped, EncryptionContext=_context(arn))
    except ServiceError as error:
        raise _from_kms(error) from None
    try:
        return AESGCM(answer["Plaintext"]).decrypt(nonce, sealed, arn.encode()).decode()
    except InvalidTag:
        raise InvalidKeyId("The ciphertext of this parameter could not be decrypted.") from None  # guessed
