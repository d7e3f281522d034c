"""Imported key material (keys with Origin EXTERNAL): GetParametersForImport, ImportKeyMaterial and
DeleteImportedKeyMaterial.

The wrapping key pair is RSA (2048-4096 bits, made in a worker thread); its private key is kept
sealed with the import token for 24 hours. Material is unwrapped with RSAES-OAEP, or for RSA_AES_KEY_WRAP
with RSAES-OAEP of an AES key and AES Key Wrap with Padding (RFC 5649) of the material. Imported
material may expire (ValidTo, on the Stratus clock): the key then waits for the same material again.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from stratus.core.context import RequestContext
from stratus.protocol.errors import NotImplementedFeature
from stratus.services.kms import specs
from stratus.services.kms.common import (
    DAY,
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidCiphertextException,
    InvalidImportTokenException,
    NotFoundException,
    UnsupportedOperationException,
    ValidationException,
    as_datetime,
    now,
    origin_not_valid,
)
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.lifecycle import store_material
from stratus.services.kms.material import CURVES
from stratus.services.kms.states import DISABLED, ENABLED, PENDING_DELETION, PENDING_IMPORT, invalid_state
from stratus.services.kms.store import Key, Material, find_key, materials_of, next_version, save_key

TOKEN_LIFETIME = DAY
MAX_VALID_DAYS = 365
TOKEN_PREFIX = b"stratus-kms-import:"
# guessed wordings (AWS documents the rules)
VALID_TO_REQUIRED = (
    "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"  # recorded by LocalStack
)
VALID_TO_FORBIDDEN = "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE"
VALID_TO_RANGE = "The validTo date must be in the future and no more than 365 days from now."
PKCS1_DEPRECATED = "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported."
TOKEN_INVALID = "The import token is invalid or was issued for another KMS key."
TOKEN_EXPIRED = "The import token has expired."
WRONG_MATERIAL = "The key material does not match the key spec of the KMS key."
NOT_THE_SAME = "The key material does not match the key material previously imported into this KMS key."
NOT_NEW = "This key material was already imported into this KMS key."
FIXED_MATERIAL = "For asymmetric and HMAC KMS keys, the key material cannot change after the initial import."
ID_WITH_NEW = "You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL."
REPLICA_NEW = "New key material must be imported into the primary Region key first."
NO_SUCH_MATERIAL = "Key material {material_id} does not exist in {arn}."


def _oaep(digest: type[hashes.HashAlgorithm]) -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


def wrapping_key(bits: int) -> bytes:
    """A new RSA wrapping key (PKCS #8 DER); slow: run it in a worker thread."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def unwrap(private: rsa.RSAPrivateKey, algorithm: str, wrapped: bytes) -> bytes:
    try:
        if algorithm.startswith("RSA_AES_KEY_WRAP"):
            digest = hashes.SHA1 if algorithm.endswith("SHA_1") else hashes.SHA256
            size = private.key_size // 8
            aes_key = private.decrypt(wrapped[:size], _oaep(digest))
            return keywrap.aes_key_unwrap_with_padding(aes_key, wrapped[size:])
        digest = hashes.SHA1 if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256
        return private.decrypt(wrapped, _oaep(digest))
    except (ValueError, keywrap.InvalidUnwrap):
        raise InvalidCiphertextException("") from None


def check_material(key: Key, raw: bytes) -> None:
    """Imported material must be of the key's spec."""
    spec = key.key_spec
    if spec == specs.SYMMETRIC_DEFAULT:
        ok = len(raw) == specs.SYMMETRIC_KEY_BYTES
    elif spec in specs.HMAC_KEY_BYTES:
        low, high = specs.HMAC_KEY_BYTES[spec]
        ok = low <= len(raw) <= high
    else:
        try:
            private = serialization.load_der_private_key(raw, password=None)
        except (ValueError, TypeError):
            raise IncorrectKeyMaterialException(WRONG_MATERIAL) from None
        if spec in specs.RSA_BITS:
            ok = isinstance(private, rsa.RSAPrivateKey) and private.key_size == specs.RSA_BITS[spec]
        elif spec in CURVES:
            ok = isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(private.curve, CURVES[spec])
        else:
            ok = isinstance(private, ed25519.Ed25519PrivateKey)
    if not ok:
        raise IncorrectKeyMaterialException(WRONG_MATERIAL)


def material_id_for(key: Key, raw: bytes) -> str:
    """KMS derives an imported material's id from the key id and the material (the same in every
    Region of a multi-Region key)."""
    return hashlib.sha256(key.key_id.encode() + b"\x00" + raw).hexdigest()


def expiration(req: dict, at: float) -> tuple[str, float | None]:
    model = req.get("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
    valid_to: datetime | None = req.get("ValidTo")
    if model == "KEY_MATERIAL_EXPIRES":
        if valid_to is None:
            raise ValidationException(VALID_TO_REQUIRED)
        seconds = valid_to.timestamp()
        if seconds <= at or seconds > at + MAX_VALID_DAYS * DAY:
            raise ValidationException(VALID_TO_RANGE)
        return model, seconds
    if valid_to is not None:
        raise ValidationException(VALID_TO_FORBIDDEN)
    return model, None


def require_external(key: Key) -> None:
    if key.origin != "EXTERNAL":
        raise origin_not_valid(key.arn, key.origin)
    if key.key_state == PENDING_DELETION:
        raise invalid_state(key)


def earliest_expiry(materials: list[Material]) -> float | None:
    dates = [m.valid_to for m in materials if m.imported and m.sealed is not None and m.valid_to is not None]
    return min(dates) if dates else None


class ImportOperations(KeyRing):
    async def get_parameters_for_import(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_external(key)
        algorithm, spec = req["WrappingAlgorithm"], req["WrappingKeySpec"]
        if algorithm == "RSAES_PKCS1_V1_5":
            raise ValidationException(PKCS1_DEPRECATED)
        if algorithm == "SM2PKE" or spec == "SM2":
            raise NotImplementedFeature("Stratus cannot wrap key material with SM2 (China Regions only)")
        private_der = await ctx.offload(wrapping_key, specs.RSA_BITS[spec])
        private = serialization.load_der_private_key(private_der, password=None)
        public = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        token_id = os.urandom(24).hex()
        at = now(ctx)
        db = self.db()
        with db.transaction():
            db.execute(
                "INSERT INTO kms_import_tokens (account_id, region, token_id, key_id, wrapping_algorithm, "
                "wrapping_key_spec, sealed_private_key, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key.account_id,
                    key.region,
                    token_id,
                    key.key_id,
                    algorithm,
                    spec,
                    self.materials.master.seal(private_der, _token_aad(key, token_id)),
                    at + TOKEN_LIFETIME,
                ),
            )
        return {
            "KeyId": key.arn,
            "ImportToken": TOKEN_PREFIX + token_id.encode(),
            "PublicKey": public,
            "ParametersValidTo": as_datetime(at + TOKEN_LIFETIME),
        }

    def import_key_material(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_external(key)
        at = now(ctx)
        private, algorithm = self._wrapping_key(key, req["ImportToken"], at)
        raw = unwrap(private, algorithm, req["EncryptedKeyMaterial"])
        check_material(key, raw)
        model, valid_to = expiration(req, at)
        db = self.db()
        with db.transaction():
            key = find_key(db, key.account_id, key.region, key.key_id) or key
            materials = materials_of(db, key)
            material_id = material_id_for(key, raw)
            import_type = req.get("ImportType") or (
                "EXISTING_KEY_MATERIAL" if materials else "NEW_KEY_MATERIAL"
            )
            if import_type == "NEW_KEY_MATERIAL":
                key = self._import_new(key, materials, raw, material_id, req, model, valid_to, at)
            else:
                key = self._reimport(key, materials, raw, material_id, req, model, valid_to)
        return {"KeyId": key.arn, "KeyMaterialId": material_id}

    def delete_imported_key_material(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        if key.origin != "EXTERNAL":
            raise origin_not_valid(key.arn, key.origin)
        db = self.db()
        with db.transaction():
            key = find_key(db, key.account_id, key.region, key.key_id) or key
            materials = materials_of(db, key)
            wanted = req.get("KeyMaterialId")
            if wanted is None:
                target = next((m for m in materials if m.version == key.current_version), None)
            else:
                target = next((m for m in materials if m.material_id == wanted), None)
                if target is None:
                    raise NotFoundException(NO_SUCH_MATERIAL.format(material_id=wanted, arn=key.arn))
            if target is None:  # nothing imported yet: no effect
                return {"KeyId": key.arn, "KeyMaterialId": ""}
            scope = (key.account_id, key.region, key.key_id, target.version)
            if target.state == "PENDING_ROTATION":
                db.execute(
                    "DELETE FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ? AND version = ?",
                    scope,
                )
            else:
                db.execute(
                    "UPDATE kms_materials SET sealed = NULL WHERE account_id = ? AND region = ? AND key_id = ? "
                    "AND version = ?",
                    scope,
                )
                if key.key_state != PENDING_DELETION:
                    key = key.with_changes(
                        key_state=PENDING_IMPORT, enabled_before_import=key.key_state != DISABLED
                    )
            self.materials.drop(key)
            save_key(db, key.with_changes(valid_to=earliest_expiry(materials_of(db, key))))
        return {"KeyId": key.arn, "KeyMaterialId": target.material_id}

    # -- helpers ----------------------------------------------------------------------------

    def _wrapping_key(self, key: Key, token: bytes, at: float) -> tuple[rsa.RSAPrivateKey, str]:
        if not token.startswith(TOKEN_PREFIX):
            raise InvalidImportTokenException(TOKEN_INVALID)
        token_id = token[len(TOKEN_PREFIX) :].decode("ascii", "replace")
        row = self.db().query_one(
            "SELECT * FROM kms_import_tokens WHERE account_id = ? AND region = ? AND token_id = ?",
            (key.account_id, key.region, token_id),
        )
        if row is None or row["key_id"] != key.key_id:
            raise InvalidImportTokenException(TOKEN_INVALID)
        if row["expires"] <= at:
            raise ExpiredImportTokenException(TOKEN_EXPIRED)
        private_der = self.materials.master.unseal(row["sealed_private_key"], _token_aad(key, token_id))
        return serialization.load_der_private_key(private_der, password=None), row["wrapping_algorithm"]

    def _import_new(
        self,
        key: Key,
        materials: list[Material],
        raw: bytes,
        material_id: str,
        req: dict,
        model: str,
        valid_to: float | None,
        at: float,
    ) -> Key:
        db = self.db()
        if req.get("KeyMaterialId"):
            raise ValidationException(ID_WITH_NEW)
        if materials:
            if key.key_spec != specs.SYMMETRIC_DEFAULT:
                raise IncorrectKeyMaterialException(FIXED_MATERIAL)
            if key.is_replica:
                raise UnsupportedOperationException(REPLICA_NEW)
            if any(m.material_id == material_id for m in materials):
                raise IncorrectKeyMaterialException(NOT_NEW)
        version = next_version(db, key)
        first = not materials
        store_material(
            db,
            self.materials,
            key,
            version,
            raw,
            material_id,
            at,
            state="CURRENT" if first else "PENDING_ROTATION",
            imported=True,
            expiration_model=model,
            valid_to=valid_to,
            description=req.get("KeyMaterialDescription"),
        )
        if first:
            key = key.with_changes(current_version=version)
        return self._after_import(key)

    def _reimport(
        self,
        key: Key,
        materials: list[Material],
        raw: bytes,
        material_id: str,
        req: dict,
        model: str,
        valid_to: float | None,
    ) -> Key:
        db = self.db()
        wanted = req.get("KeyMaterialId")
        match = next((m for m in materials if m.material_id == material_id), None)
        if match is None or (wanted is not None and wanted != material_id):
            raise IncorrectKeyMaterialException(NOT_THE_SAME)
        sealed = self.materials.seal(key.account_id, key.region, key.key_id, match.version, raw)
        description = req.get("KeyMaterialDescription", match.description)
        db.execute(
            "UPDATE kms_materials SET sealed = ?, expiration_model = ?, valid_to = ?, description = ? "
            "WHERE account_id = ? AND region = ? AND key_id = ? AND version = ?",
            (sealed, model, valid_to, description, key.account_id, key.region, key.key_id, match.version),
        )
        if key.current_version is None:
            key = key.with_changes(current_version=match.version)
        return self._after_import(key)

    def _after_import(self, key: Key) -> Key:
        """The key is usable again once every one of its materials is present."""
        db = self.db()
        materials = materials_of(db, key)
        current = next((m for m in materials if m.version == key.current_version), None)
        complete = all(m.sealed is not None for m in materials if m.state != "PENDING_ROTATION")
        if key.key_state == PENDING_IMPORT and complete:
            key = key.with_changes(key_state=ENABLED if key.enabled_before_import else DISABLED)
        key = key.with_changes(
            expiration_model=current.expiration_model if current else None,
            valid_to=earliest_expiry(materials),
        )
        self.materials.drop(key)
        save_key(db, key)
        return key


def _token_aad(key: Key, token_id: str) -> bytes:
    return f"kms-import-token:{key.account_id}:{key.region}:{key.key_id}:{token_id}".encode()
