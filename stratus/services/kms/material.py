"""Key material: generating it for each key spec, sealing it for the database, and a cache of the
unsealed, ready-to-use keys so that the hot path (Encrypt, GenerateDataKey) never unseals twice."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stratus.protocol.errors import NotImplementedFeature
from stratus.services.kms import specs
from stratus.services.kms.master_key import MasterKey
from stratus.services.kms.store import Key, Material, find_material
from stratus.store import Database

CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}


def unsupported_spec(key_spec: str) -> NotImplementedFeature:
    """ML-DSA and SM2 need algorithms the `cryptography` library does not offer (yet)."""
    return NotImplementedFeature(f"Stratus cannot create or use {key_spec} keys yet")


def generate(key_spec: str) -> bytes:
    """New key material: raw bytes for symmetric and HMAC keys, a PKCS #8 DER private key for
    asymmetric ones. RSA takes a while: call it through `ctx.offload`."""
    if key_spec == specs.SYMMETRIC_DEFAULT:
        return os.urandom(specs.SYMMETRIC_KEY_BYTES)
    if key_spec in specs.HMAC_KEY_BYTES:
        return os.urandom(specs.HMAC_KEY_BYTES[key_spec][0])
    if key_spec in specs.RSA_BITS:
        private: object = rsa.generate_private_key(public_exponent=65537, key_size=specs.RSA_BITS[key_spec])
    elif key_spec in CURVES:
        private = ec.generate_private_key(CURVES[key_spec]())
    elif key_spec == specs.EDWARDS:
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        raise unsupported_spec(key_spec)
    return private_der(private)


def private_der(private: object) -> bytes:
    return private.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_der(private: object) -> bytes:
    return private.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def new_material_id() -> str:
    return os.urandom(32).hex()


def imported_material_id(raw: bytes) -> str:
    """Imported material is recognised by what it is: importing the same bytes again (or into a
    multi-Region replica) gives the same KeyMaterialId."""
    return hashlib.sha256(b"stratus-kms-imported-material\x00" + raw).hexdigest()


def sealing_aad(account_id: str, region: str, key_id: str, version: int) -> bytes:
    return f"kms-material:{account_id}:{region}:{key_id}:{version}".encode()


@dataclass(frozen=True, slots=True)
class Loaded:
    """A key material version ready for use."""

    version: int
    material_id: str
    raw: bytes  # symmetric/HMAC bytes, or the PKCS #8 private key
    aead: AESGCM | None = None  # symmetric encryption keys
    private_key: object | None = None  # asymmetric keys
    public_key_der: bytes | None = None


def load(key_spec: str, version: int, material_id: str, raw: bytes) -> Loaded:
    if key_spec == specs.SYMMETRIC_DEFAULT:
        return Loaded(version, material_id, raw, aead=AESGCM(raw))
    if key_spec in specs.HMAC_KEY_BYTES:
        return Loaded(version, material_id, raw)
    private = serialization.load_der_private_key(raw, password=None)
    return Loaded(version, material_id, raw, private_key=private, public_key_der=public_der(private))


class MaterialCache:
    """Unsealed key material per (account, region, key id, version). Versions never change once
    written, so entries stay valid; imported material that is deleted is dropped explicitly, and the
    whole cache on reset."""

    def __init__(self, master: MasterKey) -> None:
        self.master = master
        self._loaded: dict[tuple[str, str, str, int], Loaded] = {}

    def get(self, db: Database, key: Key, version: int) -> Loaded | None:
        cache_key = (key.account_id, key.region, key.key_id, version)
        loaded = self._loaded.get(cache_key)
        if loaded is None:
            material = find_material(db, key, version)
            if material is None or material.sealed is None:
                return None
            loaded = self._loaded[cache_key] = self.load_material(key.key_spec, material)
        return loaded

    def load_material(self, key_spec: str, material: Material) -> Loaded:
        aad = sealing_aad(material.account_id, material.region, material.key_id, material.version)
        raw = self.master.unseal(material.sealed or b"", aad)
        return load(key_spec, material.version, material.material_id, raw)

    def seal(self, account_id: str, region: str, key_id: str, version: int, raw: bytes) -> bytes:
        return self.master.seal(raw, sealing_aad(account_id, region, key_id, version))

    def drop(self, key: Key) -> None:
        for cache_key in [k for k in self._loaded if k[:3] == (key.account_id, key.region, key.key_id)]:
            del self._loaded[cache_key]

    def clear(self) -> None:
        self._loaded.clear()
