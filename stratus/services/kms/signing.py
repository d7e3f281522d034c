"""Asymmetric keys: Sign, Verify, GetPublicKey and DeriveSharedSecret.

Messages are hashed with the algorithm's hash (MessageType RAW) or taken as that hash (DIGEST, whose
length must match). RSA-PSS uses a salt as long as the hash, as KMS does; ECDSA signatures are DER,
as KMS returns them; GetPublicKey answers a DER SubjectPublicKeyInfo."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from stratus.core.context import RequestContext
from stratus.protocol.errors import NotImplementedFeature
from stratus.services.kms import specs
from stratus.services.kms.cipher import current_material
from stratus.services.kms.common import (
    KMSInvalidSignatureException,
    UnsupportedOperationException,
    ValidationException,
    algorithm_incompatible,
    usage_not_valid,
)
from stratus.services.kms.keyring import KeyRing, dry_run
from stratus.services.kms.states import require_enabled
from stratus.services.kms.store import Key

ED25519PH = (
    "Stratus cannot sign or verify with ED25519_PH_SHA_512 (Ed25519ph): the cryptography library lacks it"
)
NOT_ASYMMETRIC = "{arn} key spec is {spec} which is not valid for this operation."  # guessed
BAD_PUBLIC_KEY = (
    "The PublicKey is not a valid DER-encoded X.509 SubjectPublicKeyInfo of the key's curve."  # guessed
)


def _check_signing(key: Key, algorithm: str, message_type: str, operation: str) -> None:
    if key.key_usage != specs.SIGN_VERIFY:
        raise usage_not_valid(key.arn, key.key_usage, operation)
    if algorithm not in specs.algorithms(key.key_spec, key.key_usage).signing:
        raise algorithm_incompatible(algorithm, key.key_spec)
    if message_type == "EXTERNAL_MU":  # ML-DSA's pre-hashed form; Stratus has no ML-DSA keys
        raise ValidationException(f"Message type EXTERNAL_MU is incompatible with key spec {key.key_spec}.")
    if algorithm == "ED25519_SHA_512" and message_type != "RAW":
        # guessed, after AWS's "Message type DIGEST is incompatible with key spec ML_DSA_44."
        raise ValidationException(
            f"Message type {message_type} is incompatible with signing algorithm {algorithm}."
        )
    if algorithm == "ED25519_PH_SHA_512":
        raise NotImplementedFeature(ED25519PH)


def _prepared(algorithm: str, message: bytes, message_type: str) -> tuple[bytes, object]:
    """(data to sign, the hash argument the library wants: the algorithm, or Prehashed)."""
    digest_class = specs.SIGNING_HASHES[algorithm]
    if digest_class is None:  # pure Ed25519
        return message, None
    if message_type == "DIGEST":
        if len(message) != digest_class.digest_size:
            raise ValidationException(f"Digest is invalid length for algorithm {algorithm}.")
        return message, utils.Prehashed(digest_class())
    return message, digest_class()


def _rsa_padding(algorithm: str) -> padding.AsymmetricPadding:
    digest_class = specs.SIGNING_HASHES[algorithm]
    if algorithm.startswith("RSASSA_PSS"):
        return padding.PSS(mgf=padding.MGF1(digest_class()), salt_length=digest_class.digest_size)
    return padding.PKCS1v15()


def sign(private: object, algorithm: str, message: bytes, message_type: str) -> bytes:
    data, hash_argument = _prepared(algorithm, message, message_type)
    if isinstance(private, rsa.RSAPrivateKey):
        return private.sign(data, _rsa_padding(algorithm), hash_argument)
    if isinstance(private, ec.EllipticCurvePrivateKey):
        return private.sign(data, ec.ECDSA(hash_argument))
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return private.sign(data)
    raise NotImplementedFeature(f"Stratus cannot sign with {algorithm}")


def verify(public: object, algorithm: str, message: bytes, message_type: str, signature: bytes) -> bool:
    data, hash_argument = _prepared(algorithm, message, message_type)
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, _rsa_padding(algorithm), hash_argument)
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hash_argument))
        elif isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, data)
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def public_key_fields(key: Key) -> dict:
    out: dict = {"KeySpec": key.key_spec, "KeyUsage": key.key_usage}
    if key.key_spec in specs.CUSTOMER_MASTER_KEY_SPECS:
        out["CustomerMasterKeySpec"] = key.key_spec
    algorithms = specs.algorithms(key.key_spec, key.key_usage)
    if algorithms.encryption:
        out["EncryptionAlgorithms"] = list(algorithms.encryption)
    if algorithms.signing:
        out["SigningAlgorithms"] = list(algorithms.signing)
    if algorithms.key_agreement:
        out["KeyAgreementAlgorithms"] = list(algorithms.key_agreement)
    return out


class SigningOperations(KeyRing):
    def sign(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_enabled(key)
        algorithm, message_type = req["SigningAlgorithm"], req.get("MessageType") or "RAW"
        _check_signing(key, algorithm, message_type, "Sign")
        loaded = current_material(self.db(), self.materials, key)
        signature = sign(loaded.private_key, algorithm, req["Message"], message_type)
        dry_run(req)
        self.usage.record(ctx, key)
        return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}

    def verify(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_enabled(key)
        algorithm, message_type = req["SigningAlgorithm"], req.get("MessageType") or "RAW"
        _check_signing(key, algorithm, message_type, "Verify")
        loaded = current_material(self.db(), self.materials, key)
        public = loaded.private_key.public_key()  # type: ignore[union-attr]
        valid = verify(public, algorithm, req["Message"], message_type, req["Signature"])
        dry_run(req)
        if not valid:
            raise KMSInvalidSignatureException("")
        self.usage.record(ctx, key)
        return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}

    def get_public_key(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        if not specs.is_asymmetric(key.key_spec):
            raise UnsupportedOperationException(NOT_ASYMMETRIC.format(arn=key.arn, spec=key.key_spec))
        require_enabled(key)
        loaded = current_material(self.db(), self.materials, key)
        return {"KeyId": key.arn, "PublicKey": loaded.public_key_der, **public_key_fields(key)}

    def derive_shared_secret(self, ctx: RequestContext, req: dict) -> dict:
        if req.get("Recipient"):
            raise NotImplementedFeature(
                "Stratus cannot verify Nitro Enclaves or NitroTPM attestation documents"
            )
        key = self.key(ctx, req["KeyId"], params=req)
        require_enabled(key)
        if key.key_usage != specs.KEY_AGREEMENT:
            raise usage_not_valid(key.arn, key.key_usage, "DeriveSharedSecret")
        loaded = current_material(self.db(), self.materials, key)
        private = loaded.private_key
        try:
            peer = serialization.load_der_public_key(req["PublicKey"])
        except (ValueError, TypeError):
            raise ValidationException(BAD_PUBLIC_KEY) from None
        if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != private.curve.name:  # type: ignore[union-attr]
            raise ValidationException(BAD_PUBLIC_KEY)
        secret = private.exchange(ec.ECDH(), peer)  # type: ignore[union-attr]
        dry_run(req)
        self.usage.record(ctx, key)
        return {
            "KeyId": key.arn,
            "SharedSecret": secret,
            "KeyAgreementAlgorithm": req["KeyAgreementAlgorithm"],
            "KeyOrigin": key.origin,
        }
