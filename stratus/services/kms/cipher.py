"""Encrypting and decrypting under a KMS key: AES-256-GCM blobs for symmetric keys (ciphertext.py),
RSAES-OAEP for asymmetric encryption keys. Shared by Encrypt, Decrypt, ReEncrypt and the data key
operations; the caller has found, authorized and state-checked the key."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import padding

from stratus.services.kms import ciphertext, specs
from stratus.services.kms.common import (
    IncorrectKeyException,
    InvalidCiphertextException,
    InvalidKeyUsageException,
    ValidationException,
    algorithm_incompatible,
    usage_not_valid,
)
from stratus.services.kms.material import Loaded, MaterialCache
from stratus.services.kms.store import Key
from stratus.store import Database

INCORRECT_KEY = "The key ID in the request does not identify a CMK that can perform this operation."
CONTEXT_ASYMMETRIC = "EncryptionContext is not supported for asymmetric KMS keys."  # guessed


def require_encryption_key(key: Key, operation: str) -> None:
    if key.key_usage != specs.ENCRYPT_DECRYPT:
        raise usage_not_valid(key.arn, key.key_usage, operation)


def require_symmetric(key: Key, operation: str) -> None:
    """Data keys are protected by symmetric encryption keys only."""
    require_encryption_key(key, operation)
    if key.key_spec != specs.SYMMETRIC_DEFAULT:
        # guessed: the usage message's pattern, about the key spec
        raise InvalidKeyUsageException(
            f"{key.arn} key spec is {key.key_spec} which is not valid for {operation}."
        )


def oaep(algorithm: str) -> padding.OAEP:
    digest = specs.OAEP_HASHES[algorithm]
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


def current_material(db: Database, cache: MaterialCache, key: Key) -> Loaded:
    loaded = cache.get(db, key, key.current_version) if key.current_version is not None else None
    if loaded is None:  # state checks keep keys without material out; this is a broken store
        raise InvalidCiphertextException("")
    return loaded


def encrypt(
    db: Database,
    cache: MaterialCache,
    key: Key,
    plaintext: bytes,
    encryption_context: dict[str, str] | None,
    algorithm: str | None,
    operation: str,
) -> tuple[bytes, str, Loaded]:
    """(ciphertext, algorithm used, material used)."""
    require_encryption_key(key, operation)
    algorithm = algorithm or specs.SYMMETRIC_DEFAULT
    if algorithm not in specs.algorithms(key.key_spec, key.key_usage).encryption:
        raise algorithm_incompatible(algorithm, key.key_spec)
    loaded = current_material(db, cache, key)
    if key.key_spec == specs.SYMMETRIC_DEFAULT:
        head = ciphertext.header(key.key_id, loaded.version, key.account_id, key.region)
        return ciphertext.seal(loaded.aead, head, plaintext, encryption_context), algorithm, loaded
    if encryption_context:
        raise ValidationException(CONTEXT_ASYMMETRIC)
    limit = specs.rsa_max_plaintext(key.key_spec, algorithm)
    if len(plaintext) > limit:
        raise ValidationException(
            f"Algorithm {algorithm} and key spec {key.key_spec} cannot encrypt data larger than {limit} bytes."
        )
    public = loaded.private_key.public_key()  # type: ignore[union-attr]
    return public.encrypt(plaintext, oaep(algorithm)), algorithm, loaded


def decrypt_symmetric(
    db: Database,
    cache: MaterialCache,
    key: Key,
    head: ciphertext.Header,
    body: bytes,
    encryption_context: dict[str, str] | None,
) -> tuple[bytes, Loaded]:
    if key.key_id != head.key_id or key.key_spec != specs.SYMMETRIC_DEFAULT:
        raise IncorrectKeyException(INCORRECT_KEY)
    loaded = cache.get(db, key, head.version)
    if loaded is None or loaded.aead is None:
        raise InvalidCiphertextException("")
    try:
        return ciphertext.open_sealed(loaded.aead, head, body, encryption_context), loaded
    except InvalidTag:
        raise InvalidCiphertextException("") from None


def decrypt_asymmetric(
    db: Database, cache: MaterialCache, key: Key, blob: bytes, algorithm: str, operation: str
) -> bytes:
    require_encryption_key(key, operation)
    if algorithm not in specs.algorithms(key.key_spec, key.key_usage).encryption:
        raise algorithm_incompatible(algorithm, key.key_spec)
    loaded = current_material(db, cache, key)
    try:
        return loaded.private_key.decrypt(blob, oaep(algorithm))  # type: ignore[union-attr]
    except ValueError:
        raise InvalidCiphertextException("") from None
