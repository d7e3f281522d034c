"""SNS message signatures: one RSA key and self-signed certificate per region, and the signing itself.

AWS signs every HTTP/S notification and (un)subscribe confirmation with a regional key and publishes
the certificate at `SigningCertURL` (`.../SimpleNotificationService-<id>.pem`). Subscribers rebuild
the canonical "string to sign" from the JSON fields and verify the `Signature` against that
certificate, so ours must be built exactly as AWS builds it (see the AWS page "Verifying the
signatures of Amazon SNS messages"; checked in the tests against a message AWS really signed).

Key generation costs 50-100 ms of CPU, so it happens once per region and the identity is kept in
the `sns_signing_keys` table and in an in-process cache: signing a message never touches PEM text.
`generate_identity` is a pure function, so a caller on the event loop may run it in a worker thread
and then `store_identity` the result.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from stratus.core.ids import partition_for_region
from stratus.store import Database

KEY_SIZE = 2048
CERTIFICATE_VALIDITY = datetime.timedelta(days=3650)
# Back-dated so a subscriber whose clock is a little behind still accepts the certificate.
CERTIFICATE_BACKDATE = datetime.timedelta(days=1)

NOTIFICATION = "Notification"
SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"

# The fields of the string to sign, in AWS's (alphabetical) order, per message type.
_NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    NOTIFICATION: _NOTIFICATION_FIELDS,
    SUBSCRIPTION_CONFIRMATION: _CONFIRMATION_FIELDS,
    UNSUBSCRIBE_CONFIRMATION: _CONFIRMATION_FIELDS,
}
# Only a notification's Subject may be left out (it is absent when Publish named none).
_OPTIONAL_FIELDS = frozenset({"Subject"})

# SignatureVersion -> digest of the RSA PKCS#1 v1.5 signature
SIGNATURE_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}


@dataclass(frozen=True)
class SigningIdentity:
    """A region's signing key and the certificate subscribers verify against."""

    region: str
    certificate_id: str
    private_key_pem: str
    certificate_pem: str

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.private_key_pem.encode("ascii"), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"the SNS signing key of {self.region} is not an RSA key")
        return key


# (database file, region) -> identity. Entries stay valid for the life of the process unless the
# database is wiped: call `clear_identity_cache` from a reset hook.
_identities: dict[tuple[Path, str], SigningIdentity] = {}


def certificate_file_name(identity: SigningIdentity) -> str:
    return f"SimpleNotificationService-{identity.certificate_id}.pem"


def sns_host(region: str) -> str:
    """The regional SNS host name, as it appears in AWS's certificates and URLs."""
    suffix = "amazonaws.com.cn" if partition_for_region(region) == "aws-cn" else "amazonaws.com"
    return f"sns.{region}.{suffix}"


# ---------------------------------------------------------------------------- identities


def generate_identity(region: str) -> SigningIdentity:
    """A new RSA-2048 key and a self-signed SHA-256 certificate for it. CPU heavy; touches no state."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    host = sns_host(region)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Washington"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Seattle"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Amazon.com, Inc."),
            x509.NameAttribute(NameOID.COMMON_NAME, host),
        ]
    )
    # Wall-clock time, not the emulated clock: subscribers check validity against their own clock.
    now = datetime.datetime.now(datetime.UTC)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CERTIFICATE_BACKDATE)
        .not_valid_after(now + CERTIFICATE_VALIDITY)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    identity = SigningIdentity(
        region=region,
        # 32 hex digits, like the ids in AWS's certificate file names
        certificate_id=secrets.token_hex(16),
        private_key_pem=key_pem.decode("ascii"),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )
    identity.__dict__["private_key"] = key  # prime the cached_property: no re-parse of the PEM
    return identity


def lookup_identity(db: Database, region: str) -> SigningIdentity | None:
    """The region's identity from the cache, or else from the database; None if it has none yet."""
    cache_key = (db.path, region)
    identity = _identities.get(cache_key)
    if identity is not None:
        return identity
    row = db.query_one(
        "SELECT certificate_id, private_key_pem, certificate_pem FROM sns_signing_keys WHERE region = ?",
        (region,),
    )
    if row is None:
        return None
    identity = SigningIdentity(
        region=region,
        certificate_id=row["certificate_id"],
        private_key_pem=row["private_key_pem"],
        certificate_pem=row["certificate_pem"],
    )
    return _identities.setdefault(cache_key, identity)


def store_identity(db: Database, identity: SigningIdentity) -> SigningIdentity:
    """Persist a generated identity unless the region already has one; returns the one that counts.

    Two creators racing (e.g. each generated in its own worker thread) end with the same identity:
    the first insert wins and the second reads it back. Inside a caller's transaction the identity
    is not cached, since that transaction may still roll the row back; the first lookup after the
    commit caches it.
    """
    nested = db.in_transaction
    with db.transaction():
        db.execute(
            "INSERT INTO sns_signing_keys (region, certificate_id, private_key_pem, certificate_pem) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (region) DO NOTHING",
            (identity.region, identity.certificate_id, identity.private_key_pem, identity.certificate_pem),
        )
        row = db.query_one(
            "SELECT certificate_id, private_key_pem, certificate_pem FROM sns_signing_keys WHERE region = ?",
            (identity.region,),
        )
    if row is None:  # impossible after the insert above, unless a trigger or another writer deleted it
        raise RuntimeError(f"the SNS signing identity of {identity.region} vanished while being stored")
    if row["certificate_id"] != identity.certificate_id:  # another creator won
        identity = SigningIdentity(
            region=identity.region,
            certificate_id=row["certificate_id"],
            private_key_pem=row["private_key_pem"],
            certificate_pem=row["certificate_pem"],
        )
    if nested:
        return identity
    return _identities.setdefault((db.path, identity.region), identity)


def load_or_create_identity(db: Database, region: str) -> SigningIdentity:
    """The region's signing identity, generated and persisted on first use."""
    identity = lookup_identity(db, region)
    if identity is None:
        identity = store_identity(db, generate_identity(region))
    return identity


def certificate_pem_for(db: Database, certificate_id: str) -> str | None:
    """The certificate named by `certificate_id` (what `SigningCertURL` serves), or None."""
    for (path, _region), identity in list(_identities.items()):
        if path == db.path and identity.certificate_id == certificate_id:
            return identity.certificate_pem
    row = db.query_one(
        "SELECT certificate_pem FROM sns_signing_keys WHERE certificate_id = ?", (certificate_id,)
    )
    return None if row is None else row["certificate_pem"]


def clear_identity_cache(db: Database | None = None) -> None:
    """Forget cached identities (of one database, or all): call after the sns tables are wiped."""
    for key in list(_identities):
        if db is None or key[0] == db.path:
            _identities.pop(key, None)


# ---------------------------------------------------------------------------- signatures


def string_to_sign(message: dict) -> bytes:
    """AWS's canonical form: each signed field as 'Name\\nValue\\n', in a fixed order, UTF-8."""
    message_type = message.get("Type")
    fields = SIGNED_FIELDS.get(message_type) if isinstance(message_type, str) else None
    if fields is None:
        raise ValueError(f"cannot sign an SNS message of Type {message_type!r}")
    parts = []
    for name in fields:
        value = message.get(name)
        if value is None:
            if name in _OPTIONAL_FIELDS and message_type == NOTIFICATION:
                continue
            raise ValueError(f"an SNS {message_type} message to sign needs {name}")
        parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode("utf-8")


def _hash_for(message: dict) -> hashes.HashAlgorithm:
    version = message.get("SignatureVersion")
    algorithm = SIGNATURE_HASHES.get(version) if isinstance(version, str) else None
    if algorithm is None:
        raise ValueError(f"unknown SNS SignatureVersion {version!r}")
    return algorithm()


def sign(message: dict, identity: SigningIdentity) -> str:
    """The base64 `Signature` of `message`: RSA PKCS#1 v1.5 with SHA1 (version "1") or SHA256 ("2")."""
    digest = _hash_for(message)
    signature = identity.private_key.sign(string_to_sign(message), padding.PKCS1v15(), digest)
    return base64.b64encode(signature).decode("ascii")


def verify(message: dict, certificate_pem: bytes | str) -> bool:
    """What a subscriber does: check `message['Signature']` against the certificate's public key.

    Only the signature is checked, not the certificate's dates or chain of trust (the caller chose
    the certificate; ours are self-signed). Malformed input gives False, never an exception.
    """
    if isinstance(certificate_pem, str):
        certificate_pem = certificate_pem.encode("ascii")
    try:
        public_key = x509.load_pem_x509_certificate(certificate_pem).public_key()
        digest = _hash_for(message)
        data = string_to_sign(message)
        signature = base64.b64decode(message.get("Signature") or "", validate=True)
    except (ValueError, TypeError, binascii.Error):
        return False
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), digest)
    except InvalidSignature:
        return False
    return True
