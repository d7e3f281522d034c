"""The key spec reference: which usages, algorithms and sizes each KMS key spec allows."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
RSA_SPECS = ("RSA_2048", "RSA_3072", "RSA_4096")
NIST_CURVES = ("ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521")
ECC_SPECS = (*NIST_CURVES, "ECC_SECG_P256K1")
EDWARDS = "ECC_NIST_EDWARDS25519"
HMAC_SPECS = ("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")
ML_DSA_SPECS = ("ML_DSA_44", "ML_DSA_65", "ML_DSA_87")
SM2 = "SM2"
# The deprecated CustomerMasterKeySpec member knows only these.
CUSTOMER_MASTER_KEY_SPECS = frozenset((SYMMETRIC_DEFAULT, *RSA_SPECS, *ECC_SPECS, *HMAC_SPECS, SM2))

RSA_ENCRYPTION = ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")
RSA_SIGNING = (
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
)
ECDSA_BY_CURVE = {
    "ECC_NIST_P256": "ECDSA_SHA_256",
    "ECC_NIST_P384": "ECDSA_SHA_384",
    "ECC_NIST_P521": "ECDSA_SHA_512",
    "ECC_SECG_P256K1": "ECDSA_SHA_256",
}
EDWARDS_SIGNING = ("ED25519_SHA_512", "ED25519_PH_SHA_512")
MAC_BY_SPEC = {
    "HMAC_224": "HMAC_SHA_224",
    "HMAC_256": "HMAC_SHA_256",
    "HMAC_384": "HMAC_SHA_384",
    "HMAC_512": "HMAC_SHA_512",
}
# Key material lengths (bytes): generated keys use the first, imported HMAC keys may be any length
# in the range (the key spec reference's "key length" column).
HMAC_KEY_BYTES = {"HMAC_224": (28, 64), "HMAC_256": (32, 64), "HMAC_384": (48, 128), "HMAC_512": (64, 128)}
SYMMETRIC_KEY_BYTES = 32

# Usages each spec allows, the first being the default (None: KeyUsage must be given).
USAGES: dict[str, tuple[str, ...]] = {
    SYMMETRIC_DEFAULT: (ENCRYPT_DECRYPT,),
    **{spec: (ENCRYPT_DECRYPT, SIGN_VERIFY) for spec in RSA_SPECS},
    **{spec: (SIGN_VERIFY, KEY_AGREEMENT) for spec in NIST_CURVES},
    "ECC_SECG_P256K1": (SIGN_VERIFY,),
    EDWARDS: (SIGN_VERIFY,),
    **{spec: (GENERATE_VERIFY_MAC,) for spec in HMAC_SPECS},
    **{spec: (SIGN_VERIFY,) for spec in ML_DSA_SPECS},
    SM2: (ENCRYPT_DECRYPT, SIGN_VERIFY, KEY_AGREEMENT),
}

# Hash of each signing algorithm (None for pure Ed25519, which hashes inside).
SIGNING_HASHES: dict[str, type[hashes.HashAlgorithm] | None] = {
    "RSASSA_PKCS1_V1_5_SHA_256": hashes.SHA256,
    "RSASSA_PKCS1_V1_5_SHA_384": hashes.SHA384,
    "RSASSA_PKCS1_V1_5_SHA_512": hashes.SHA512,
    "RSASSA_PSS_SHA_256": hashes.SHA256,
    "RSASSA_PSS_SHA_384": hashes.SHA384,
    "RSASSA_PSS_SHA_512": hashes.SHA512,
    "ECDSA_SHA_256": hashes.SHA256,
    "ECDSA_SHA_384": hashes.SHA384,
    "ECDSA_SHA_512": hashes.SHA512,
    "ED25519_SHA_512": None,
    "ED25519_PH_SHA_512": hashes.SHA512,
}
MAC_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "HMAC_SHA_224": hashes.SHA224,
    "HMAC_SHA_256": hashes.SHA256,
    "HMAC_SHA_384": hashes.SHA384,
    "HMAC_SHA_512": hashes.SHA512,
}
# RSAES_OAEP hash per encryption algorithm.
OAEP_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "RSAES_OAEP_SHA_1": hashes.SHA1,
    "RSAES_OAEP_SHA_256": hashes.SHA256,
}
RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}


@dataclass(frozen=True, slots=True)
class Algorithms:
    """The algorithm lists DescribeKey and GetPublicKey show for a key."""

    encryption: tuple[str, ...] = ()
    signing: tuple[str, ...] = ()
    mac: tuple[str, ...] = ()
    key_agreement: tuple[str, ...] = ()


def algorithms(key_spec: str, key_usage: str) -> Algorithms:
    if key_usage == ENCRYPT_DECRYPT:
        if key_spec == SYMMETRIC_DEFAULT:
            return Algorithms(encryption=(SYMMETRIC_DEFAULT,))
        if key_spec == SM2:
            return Algorithms(encryption=("SM2PKE",))
        return Algorithms(encryption=RSA_ENCRYPTION)
    if key_usage == SIGN_VERIFY:
        if key_spec in RSA_SPECS:
            return Algorithms(signing=RSA_SIGNING)
        if key_spec in ECDSA_BY_CURVE:
            return Algorithms(signing=(ECDSA_BY_CURVE[key_spec],))
        if key_spec == EDWARDS:
            return Algorithms(signing=EDWARDS_SIGNING)
        if key_spec in ML_DSA_SPECS:
            return Algorithms(signing=("ML_DSA_SHAKE_256",))
        return Algorithms(signing=("SM2DSA",))
    if key_usage == GENERATE_VERIFY_MAC:
        return Algorithms(mac=(MAC_BY_SPEC[key_spec],))
    return Algorithms(key_agreement=("ECDH",))


def is_symmetric_encryption(key_spec: str) -> bool:
    return key_spec == SYMMETRIC_DEFAULT


def is_asymmetric(key_spec: str) -> bool:
    return key_spec not in (SYMMETRIC_DEFAULT, *HMAC_SPECS)


def rsa_max_plaintext(key_spec: str, algorithm: str) -> int:
    """OAEP's limit: modulus bytes - 2 * hash bytes - 2 (214/190 bytes for RSA_2048, ...)."""
    modulus = RSA_BITS[key_spec] // 8
    return modulus - 2 * OAEP_HASHES[algorithm].digest_size - 2
