"""SigV4a (AWS4-ECDSA-P256-SHA256): the asymmetric variant used by multi-Region endpoints.

The signer derives an ECDSA P-256 key pair from its access key and secret (NIST SP 800-108 HMAC
counter-mode KDF, then FIPS 186-4 B.4.2 candidate testing), and signs SHA-256 of the string to sign.
Knowing the secret, the server derives the same key and checks the signature with its public half.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from stratus.auth.canonical import sha256_hex

ALGORITHM = "AWS4-ECDSA-P256-SHA256"
# The order of the P-256 group.
_P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_KEY_BITS = 256

_KEYS: dict[tuple[str, str], ec.EllipticCurvePrivateKey] = {}
_KEYS_MAX = 64


def derive_private_key(access_key_id: str, secret: str) -> ec.EllipticCurvePrivateKey:
    """The P-256 key AWS's SDKs derive from a key pair (cached: derivation costs a point multiply)."""
    cached = _KEYS.get((access_key_id, secret))
    if cached is not None:
        return cached
    input_key = b"AWS4A" + secret.encode("utf-8")
    for counter in range(1, 255):
        fixed_input = (
            ALGORITHM.encode()
            + b"\x00"
            + access_key_id.encode("utf-8")
            + bytes([counter])
            + _KEY_BITS.to_bytes(4, "big")
        )
        # One block of the counter-mode KDF yields the 256 bits needed.
        candidate = hmac.new(input_key, (1).to_bytes(4, "big") + fixed_input, hashlib.sha256).digest()
        value = int.from_bytes(candidate, "big")
        if value < _P256_N - 2:
            key = ec.derive_private_key(value + 1, ec.SECP256R1())
            break
    else:  # pragma: no cover - needs 254 consecutive candidates above n-2 (odds ~2^-8000)
        raise ValueError("could not derive a SigV4a key")
    if len(_KEYS) >= _KEYS_MAX:
        _KEYS.clear()
    _KEYS[(access_key_id, secret)] = key
    return key


def string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{sha256_hex(canonical_request)}"


def signature_matches(access_key_id: str, secret: str, text: str, signature_hex: str) -> bool:
    """Whether `signature_hex` (hex DER) is a valid ECDSA-SHA256 signature of `text` by the derived key."""
    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        return False
    public_key = derive_private_key(access_key_id, secret).public_key()
    try:
        public_key.verify(signature, text.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
