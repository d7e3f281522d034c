"""Secret values encrypted for real, through KMS (envelope encryption, as Secrets Manager does).

Each version's value is encrypted with AES-256-GCM under a fresh data key from KMS GenerateDataKey,
with the encryption context {"SecretARN": arn, "SecretVersionId": version} that AWS uses; the data
key is stored as KMS encrypted it and turned back into plaintext through KMS Decrypt on every read.
KMS is called through the internal client, as the caller (a customer managed key needs the caller's
kms:GenerateDataKey / kms:Decrypt, as in AWS), in the account and region that own the secret.

KMS's errors surface as Secrets Manager's: access denied becomes AccessDeniedException "Access to
KMS is not allowed" (AWS's wording); a key KMS cannot use (disabled, pending deletion, not found,
wrong key usage...) becomes EncryptionFailure on writes and DecryptionFailure on reads, carrying
KMS's own message (guessed: AWS does not document these wordings). A KMS that is not available
(5xx, 501) is passed on as it is.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.secretsmanager.common import (
    DEFAULT_KMS_ALIAS,
    KMS_ACCESS,
    AccessDeniedException,
    DecryptionFailure,
    EncryptedValue,
    EncryptionFailure,
    Version,
)

NONCE_BYTES = 12


def encryption_context(secret_arn: str, version_id: str) -> dict[str, str]:
    return {"SecretARN": secret_arn, "SecretVersionId": version_id}


def _kms(ctx: RequestContext, account_id: str, region: str, secret_arn: str):
    # As the caller, with the secret as source ARN: KMS sees kms:ViaService secretsmanager.<region>,
    # which the aws/secretsmanager key policy (and customer policies) test.
    return ctx.aws("kms", account_id=account_id, region=region, source_arn=secret_arn)


def _translate(error: ServiceError, failure: type[ServiceError]) -> ServiceError:
    if error.code in ("AccessDeniedException", "AccessDenied"):
        return AccessDeniedException(KMS_ACCESS)
    if error.status >= 500:
        return error
    return failure(error.message or error.code)


async def encrypt_value(
    ctx: RequestContext,
    *,
    account_id: str,
    region: str,
    secret_arn: str,
    version_id: str,
    kms_key_id: str | None,
    value: str | bytes,
) -> EncryptedValue:
    """Encrypt one version's value under `kms_key_id` (None: aws/secretsmanager)."""
    try:
        answer = await _kms(ctx, account_id, region, secret_arn).generate_data_key(
            KeyId=kms_key_id or DEFAULT_KMS_ALIAS,
            KeySpec="AES_256",
            EncryptionContext=encryption_context(secret_arn, version_id),
        )
    except ServiceError as error:
        raise _translate(error, EncryptionFailure) from None
    plaintext = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    nonce = os.urandom(NONCE_BYTES)
    aad = f"{secret_arn}\n{version_id}".encode()
    ciphertext = AESGCM(bytes(answer["Plaintext"])).encrypt(nonce, plaintext, aad)
    return EncryptedValue(
        value_type="string" if isinstance(value, str) else "binary",
        kms_key_id=kms_key_id,
        encrypted_data_key=bytes(answer["CiphertextBlob"]),
        nonce=nonce,
        ciphertext=ciphertext,
    )


async def decrypt_value(
    ctx: RequestContext, *, account_id: str, region: str, secret_arn: str, version: Version
) -> str | bytes:
    """The plaintext of a version that has a value: str for SecretString, bytes for SecretBinary."""
    try:
        answer = await _kms(ctx, account_id, region, secret_arn).decrypt(
            CiphertextBlob=version.encrypted_data_key,
            EncryptionContext=encryption_context(secret_arn, version.version_id),
        )
    except ServiceError as error:
        raise _translate(error, DecryptionFailure) from None
    aad = f"{secret_arn}\n{version.version_id}".encode()
    try:
        plaintext = AESGCM(bytes(answer["Plaintext"])).decrypt(version.nonce, version.ciphertext, aad)
    except (InvalidTag, ValueError):
        # guessed wording: the stored value does not open with the key KMS gave back
        raise DecryptionFailure(
            "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
        ) from None
    return plaintext.decode("utf-8") if version.value_type == "string" else plaintext
