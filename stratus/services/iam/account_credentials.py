"""Users' SSH public keys and service-specific credentials (CodeCommit Git and Amazon Keyspaces).

SSH keys are parsed with `cryptography` (ssh-rsa or PEM, at least 2048 bits, as IAM requires) and
fingerprinted like `ssh-keygen -E md5`. Service-specific passwords are shown once, on create and
reset, and kept only as a salted hash.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from typing import Any

from stratus.core.context import RequestContext
from stratus.core.ids import random_upper
from stratus.protocol.errors import ServiceError
from stratus.services.iam.account_store import from_text, to_text
from stratus.services.iam.account_support import AccountMixin, list_page, require_user, user_name_or_caller
from stratus.services.iam.common import IamValidationError, LimitExceeded, NoSuchEntity, unique_id
from stratus.store.sqlite import Database

MAX_SSH_KEYS_PER_USER = 5
MIN_RSA_BITS = 2048
MAX_CREDENTIALS_PER_SERVICE = 2
SUPPORTED_SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com")


class InvalidPublicKey(ServiceError):
    code = "InvalidPublicKey"
    status = 400


class DuplicateSSHPublicKey(ServiceError):
    code = "DuplicateSSHPublicKey"
    status = 400


class UnrecognizedPublicKeyEncoding(ServiceError):
    code = "UnrecognizedPublicKeyEncoding"
    status = 400


class ServiceNotSupported(ServiceError):
    code = "NotSupportedService"
    status = 404


# ---------------------------------------------------------------- SSH keys


def _load_public_key(body: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key, load_ssh_public_key

    text = body.strip()
    try:
        if text.startswith("-----BEGIN"):
            return load_pem_public_key(text.encode("utf-8"))
        return load_ssh_public_key(text.encode("utf-8"))
    except Exception as error:  # cryptography raises ValueError or UnsupportedAlgorithm
        raise UnrecognizedPublicKeyEncoding(
            "The public key encoding format is unsupported or unrecognized."
        ) from error


def ssh_key_facts(body: str) -> tuple[str, str, str]:
    """(fingerprint, ssh-rsa text, PEM text) of an uploaded key, or AWS's error for a bad key."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = _load_public_key(body)
    if not isinstance(key, RSAPublicKey):
        raise UnrecognizedPublicKeyEncoding("The public key encoding format is unsupported or unrecognized.")
    if key.key_size < MIN_RSA_BITS:
        raise InvalidPublicKey(f"The public key must be at least {MIN_RSA_BITS} bits long.")
    openssh = key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode("ascii")
    blob = base64.b64decode(openssh.split()[1])
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    fingerprint = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
    pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return fingerprint, openssh, pem


def _ssh_metadata(row: Any) -> dict[str, Any]:
    return {
        "UserName": row["user_name"],
        "SSHPublicKeyId": row["key_id"],
        "Status": row["status"],
        "UploadDate": from_text(row["upload_date"]),
    }


def _ssh_key(row: Any, encoding: str) -> dict[str, Any]:
    _fingerprint, openssh, pem = ssh_key_facts(row["body"])
    return {
        **_ssh_metadata(row),
        "Fingerprint": row["fingerprint"],
        "SSHPublicKeyBody": pem if encoding == "PEM" else openssh,
    }


# ---------------------------------------------------------------- service-specific credentials


def _service_password() -> str:
    """A 44-character generated password, like the ones AWS hands out."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def _password_hash(password: str) -> str:
    # The password is random and long, so a salted SHA-256 is enough (no slow hash needed).
    salt = os.urandom(16)
    return salt.hex() + "$" + hashlib.sha256(salt + password.encode("utf-8")).hexdigest()


def service_password_matches(password: str, stored: str) -> bool:
    """For services that accept these credentials (CodeCommit over HTTPS, Keyspaces)."""
    salt_hex, digest = stored.split("$")
    return hashlib.sha256(bytes.fromhex(salt_hex) + password.encode("utf-8")).hexdigest() == digest


def _credential_metadata(row: Any) -> dict[str, Any]:
    metadata = {
        "UserName": row["user_name"],
        "Status": row["status"],
        "ServiceUserName": row["service_user_name"],
        "CreateDate": from_text(row["create_date"]),
        "ServiceSpecificCredentialId": row["credential_id"],
        "ServiceName": row["service_name"],
    }
    if row["expiration_date"]:
        metadata["ExpirationDate"] = from_text(row["expiration_date"])
    return metadata


class CredentialOperations(AccountMixin):
    def _credential_user(self, db: Database, ctx: RequestContext, req: dict) -> dict[str, Any]:
        user_name = user_name_or_caller(ctx, req)
        if user_name is None:
            raise IamValidationError("Must specify userName when calling with non-User credentials")
        return require_user(db, ctx.account_id, user_name)

    # ------------------------------------------------------------ SSH public keys

    def upload_ssh_public_key(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, req["UserName"])
        body = req["SSHPublicKeyBody"]
        fingerprint, _openssh, _pem = ssh_key_facts(body)
        rows = db.query(
            "SELECT fingerprint FROM ssh_public_keys WHERE account_id = ? AND user_name = ?",
            (ctx.account_id, user["user_name"]),
        )
        if any(row["fingerprint"] == fingerprint for row in rows):
            raise DuplicateSSHPublicKey("The public key is already associated with the user.")
        if len(rows) >= MAX_SSH_KEYS_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for PublicKeysPerUser: {MAX_SSH_KEYS_PER_USER}")
        key_id = unique_id("public-key")
        db.execute(
            "INSERT INTO ssh_public_keys (account_id, key_id, user_name, body, fingerprint, status, upload_date) "
            "VALUES (?, ?, ?, ?, ?, 'Active', ?)",
            (ctx.account_id, key_id, user["user_name"], body, fingerprint, to_text(ctx.time)),
        )
        self.changed()
        return {
            "SSHPublicKey": {
                "UserName": user["user_name"],
                "SSHPublicKeyId": key_id,
                "Fingerprint": fingerprint,
                "SSHPublicKeyBody": body,
                "Status": "Active",
                "UploadDate": ctx.time,
            }
        }

    def _require_ssh_key(self, db: Database, ctx: RequestContext, req: dict) -> Any:
        user = require_user(db, ctx.account_id, req["UserName"])
        key_id = req["SSHPublicKeyId"]
        row = db.query_one(
            "SELECT * FROM ssh_public_keys WHERE account_id = ? AND key_id = ? AND user_name = ?",
            (ctx.account_id, key_id, user["user_name"]),
        )
        if row is None:
            raise NoSuchEntity(f"The Public Key with id {key_id} cannot be found.")
        return row

    def get_ssh_public_key(self, ctx: RequestContext, req: dict) -> dict:
        row = self._require_ssh_key(self.db(), ctx, req)
        return {"SSHPublicKey": _ssh_key(row, req["Encoding"])}

    def list_ssh_public_keys(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user_name = user_name_or_caller(ctx, req)
        if user_name is None:
            return list_page("SSHPublicKeys", [], req)
        user = require_user(db, ctx.account_id, user_name)
        rows = db.query(
            "SELECT * FROM ssh_public_keys WHERE account_id = ? AND user_name = ? ORDER BY upload_date, key_id",
            (ctx.account_id, user["user_name"]),
        )
        return list_page("SSHPublicKeys", [_ssh_metadata(row) for row in rows], req)

    def update_ssh_public_key(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        row = self._require_ssh_key(db, ctx, req)
        db.execute(
            "UPDATE ssh_public_keys SET status = ? WHERE account_id = ? AND key_id = ?",
            (req["Status"], ctx.account_id, row["key_id"]),
        )
        self.changed()
        return {}

    def delete_ssh_public_key(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        row = self._require_ssh_key(db, ctx, req)
        db.execute(
            "DELETE FROM ssh_public_keys WHERE account_id = ? AND key_id = ?", (ctx.account_id, row["key_id"])
        )
        self.changed()
        return {}

    # ------------------------------------------------------------ service-specific credentials

    def create_service_specific_credential(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, req["UserName"])
        service = req["ServiceName"]
        if service not in SUPPORTED_SERVICES:
            raise ServiceNotSupported(f"Service {service} is not supported for service specific credentials.")
        count = db.query_one(
            "SELECT COUNT(*) FROM service_specific_credentials WHERE account_id = ? AND user_name = ? "
            "AND service_name = ?",
            (ctx.account_id, user["user_name"], service),
        )[0]
        if count >= MAX_CREDENTIALS_PER_SERVICE:
            raise LimitExceeded(
                f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_CREDENTIALS_PER_SERVICE}"
            )
        credential_id = "ACCA" + random_upper(17)
        password = _service_password()
        age_days = req.get("CredentialAgeDays")
        expiration = ctx.time + timedelta(days=age_days) if age_days else None
        db.execute(
            "INSERT INTO service_specific_credentials (account_id, credential_id, user_name, service_name, "
            "service_user_name, password_hash, status, create_date, expiration_date) "
            "VALUES (?, ?, ?, ?, ?, ?, 'Active', ?, ?)",
            (
                ctx.account_id,
                credential_id,
                user["user_name"],
                service,
                f"{user['user_name']}-at-{ctx.account_id}",
                _password_hash(password),
                to_text(ctx.time),
                to_text(expiration),
            ),
        )
        self.changed()
        row = self._credential_row(db, ctx.account_id, credential_id)
        return {"ServiceSpecificCredential": {**_credential_metadata(row), "ServicePassword": password}}

    def _credential_row(self, db: Database, account_id: str, credential_id: str) -> Any:
        return db.query_one(
            "SELECT * FROM service_specific_credentials WHERE account_id = ? AND credential_id = ?",
            (account_id, credential_id),
        )

    def _require_credential(self, db: Database, ctx: RequestContext, req: dict) -> Any:
        user = self._credential_user(db, ctx, req)
        credential_id = req["ServiceSpecificCredentialId"]
        row = self._credential_row(db, ctx.account_id, credential_id)
        if row is None or row["user_name"].lower() != user["user_name"].lower():
            raise NoSuchEntity(f"No such credential {credential_id} exists for user {user['user_name']}.")
        return row

    def list_service_specific_credentials(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        service = req.get("ServiceName")
        if service is not None and service not in SUPPORTED_SERVICES:
            raise ServiceNotSupported(f"Service {service} is not supported for service specific credentials.")
        sql = "SELECT * FROM service_specific_credentials WHERE account_id = ?"
        params: list[Any] = [ctx.account_id]
        if not req.get("AllUsers"):
            user = self._credential_user(db, ctx, req)
            sql += " AND user_name = ?"
            params.append(user["user_name"])
        if service is not None:
            sql += " AND service_name = ?"
            params.append(service)
        rows = db.query(sql + " ORDER BY create_date, credential_id", params)
        return list_page("ServiceSpecificCredentials", [_credential_metadata(row) for row in rows], req)

    def reset_service_specific_credential(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        row = self._require_credential(db, ctx, req)
        password = _service_password()
        db.execute(
            "UPDATE service_specific_credentials SET password_hash = ? WHERE account_id = ? AND credential_id = ?",
            (_password_hash(password), ctx.account_id, row["credential_id"]),
        )
        self.changed()
        return {"ServiceSpecificCredential": {**_credential_metadata(row), "ServicePassword": password}}

    def update_service_specific_credential(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        row = self._require_credential(db, ctx, req)
        db.execute(
            "UPDATE service_specific_credentials SET status = ? WHERE account_id = ? AND credential_id = ?",
            (req["Status"], ctx.account_id, row["credential_id"]),
        )
        self.changed()
        return {}

    def delete_service_specific_credential(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        row = self._require_credential(db, ctx, req)
        db.execute(
            "DELETE FROM service_specific_credentials WHERE account_id = ? AND credential_id = ?",
            (ctx.account_id, row["credential_id"]),
        )
        self.changed()
        return {}
