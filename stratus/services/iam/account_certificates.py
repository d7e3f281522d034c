"""Server certificates (for ELB and CloudFront) and users' X.509 signing certificates.

Certificates are parsed with `cryptography`, so a body that is not a PEM certificate, or a private
key that does not belong to the certificate, is refused as AWS refuses it. The private key of a
server certificate is checked and then dropped: IAM never returns it, and nothing here needs it.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from stratus.core.context import RequestContext
from stratus.core.ids import random_upper
from stratus.protocol.errors import ServiceError
from stratus.services.iam.account_store import from_text, tags_from, to_text
from stratus.services.iam.account_support import (
    AccountMixin,
    list_page,
    merged_tags,
    require_user,
    tag_page,
    tags_json,
    user_name_or_caller,
    without_tags,
)
from stratus.services.iam.common import (
    EntityAlreadyExists,
    IamValidationError,
    LimitExceeded,
    NoSuchEntity,
    unique_id,
    validate_path,
)
from stratus.store.sqlite import Database

MAX_SERVER_CERTIFICATES = 20
MAX_SIGNING_CERTIFICATES_PER_USER = 2
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


class MalformedCertificate(ServiceError):
    code = "MalformedCertificate"
    status = 400


class KeyPairMismatch(ServiceError):
    code = "KeyPairMismatch"
    status = 400


class DuplicateCertificate(ServiceError):
    code = "DuplicateCertificate"
    status = 409


def parse_certificate(body: str, what: str = "certificate") -> Any:
    """The `cryptography` certificate of a PEM body, or AWS's MalformedCertificate."""
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(body.strip().encode("utf-8"))
    except (ValueError, TypeError) as error:
        raise MalformedCertificate(
            f"Unable to parse {what}. Please ensure the {what} is in PEM format."
        ) from error


def _fingerprint(certificate: Any) -> bytes:
    from cryptography.hazmat.primitives import hashes

    return certificate.fingerprint(hashes.SHA256())


def _check_chain(chain: str) -> None:
    blocks = _PEM_BLOCK.findall(chain)
    if not blocks:
        raise MalformedCertificate("Unable to parse certificate chain. Please ensure it is in PEM format.")
    for block in blocks:
        parse_certificate(block, "certificate chain")


def _check_key_pair(certificate: Any, private_key_pem: str) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

    try:
        key = load_pem_private_key(private_key_pem.strip().encode("utf-8"), password=None)
    except (ValueError, TypeError) as error:
        raise MalformedCertificate(
            "Unable to parse private key. Please ensure it is in PEM format."
        ) from error
    spki = PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(Encoding.DER, spki) != certificate.public_key().public_bytes(
        Encoding.DER, spki
    ):
        raise KeyPairMismatch("The private key did not match the public key provided.")


# ---------------------------------------------------------------- server certificates


def _server_record(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        "id": row["certificate_id"],
        "path": row["path"],
        "body": row["body"],
        "chain": row["chain"],
        "expiration": from_text(row["expiration"]),
        "upload_date": from_text(row["upload_date"]),
        "tags": tags_from(row["tags"]),
    }


def _server_metadata(ctx: RequestContext, cert: dict[str, Any]) -> dict[str, Any]:
    return {
        "Path": cert["path"],
        "ServerCertificateName": cert["name"],
        "ServerCertificateId": cert["id"],
        "Arn": f"arn:{ctx.partition}:iam::{ctx.account_id}:server-certificate{cert['path']}{cert['name']}",
        "UploadDate": cert["upload_date"],
        "Expiration": cert["expiration"],
    }


def server_certificate(db: Database, account_id: str, name: str) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT * FROM server_certificates WHERE account_id = ? AND name = ?", (account_id, name)
    )
    return None if row is None else _server_record(row)


def _require_server(db: Database, account_id: str, name: str) -> dict[str, Any]:
    cert = server_certificate(db, account_id, name)
    if cert is None:
        raise NoSuchEntity(f"The Server Certificate with name {name} cannot be found.")
    return cert


# ---------------------------------------------------------------- signing certificates


def _signing_shape(row: Any) -> dict[str, Any]:
    return {
        "UserName": row["user_name"],
        "CertificateId": row["certificate_id"],
        "CertificateBody": row["body"],
        "Status": row["status"],
        "UploadDate": from_text(row["upload_date"]),
    }


class CertificateOperations(AccountMixin):
    # ------------------------------------------------------------ server certificates

    def upload_server_certificate(self, ctx: RequestContext, req: dict) -> dict:
        name = req["ServerCertificateName"]
        path = validate_path(req.get("Path"))
        body = req["CertificateBody"]
        certificate = parse_certificate(body)
        _check_key_pair(certificate, req["PrivateKey"])
        chain = req.get("CertificateChain")
        if chain:
            _check_chain(chain)
        tags = merged_tags([], req.get("Tags"))
        db = self.db()
        if server_certificate(db, ctx.account_id, name) is not None:
            raise EntityAlreadyExists(f"The Server Certificate with name {name} already exists.")
        count = db.query_one(
            "SELECT COUNT(*) FROM server_certificates WHERE account_id = ?", (ctx.account_id,)
        )[0]
        if count >= MAX_SERVER_CERTIFICATES:
            raise LimitExceeded(
                f"Cannot exceed quota for ServerCertificatesPerAccount: {MAX_SERVER_CERTIFICATES}"
            )
        record = {
            "name": name,
            "id": unique_id("server-certificate"),
            "path": path,
            "body": body,
            "chain": chain,
            "expiration": certificate.not_valid_after_utc.astimezone(UTC),
            "upload_date": ctx.time,
            "tags": tags,
        }
        db.execute(
            "INSERT INTO server_certificates (account_id, name, certificate_id, path, body, chain, expiration, "
            "upload_date, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.account_id,
                name,
                record["id"],
                path,
                body,
                chain,
                to_text(record["expiration"]),
                to_text(ctx.time),
                tags_json(tags),
            ),
        )
        self.changed()
        answer: dict[str, Any] = {"ServerCertificateMetadata": _server_metadata(ctx, record)}
        if tags:
            answer["Tags"] = tags
        return answer

    def get_server_certificate(self, ctx: RequestContext, req: dict) -> dict:
        cert = _require_server(self.db(), ctx.account_id, req["ServerCertificateName"])
        answer: dict[str, Any] = {
            "ServerCertificateMetadata": _server_metadata(ctx, cert),
            "CertificateBody": cert["body"],
        }
        if cert["chain"]:
            answer["CertificateChain"] = cert["chain"]
        if cert["tags"]:
            answer["Tags"] = cert["tags"]
        return {"ServerCertificate": answer}

    def list_server_certificates(self, ctx: RequestContext, req: dict) -> dict:
        prefix = req.get("PathPrefix") or "/"
        rows = self.db().query(
            "SELECT * FROM server_certificates WHERE account_id = ? ORDER BY name", (ctx.account_id,)
        )
        certs = [_server_record(row) for row in rows]
        metadata = [_server_metadata(ctx, cert) for cert in certs if cert["path"].startswith(prefix)]
        return list_page("ServerCertificateMetadataList", metadata, req)

    def update_server_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req["ServerCertificateName"]
        cert = _require_server(db, ctx.account_id, name)
        new_name = req.get("NewServerCertificateName") or name
        new_path = validate_path(req["NewPath"], "newPath") if req.get("NewPath") else cert["path"]
        if new_name != name and server_certificate(db, ctx.account_id, new_name) is not None:
            raise EntityAlreadyExists(f"The Server Certificate with name {new_name} already exists.")
        db.execute(
            "UPDATE server_certificates SET name = ?, path = ? WHERE account_id = ? AND name = ?",
            (new_name, new_path, ctx.account_id, name),
        )
        self.changed()
        return {}

    def delete_server_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req["ServerCertificateName"]
        _require_server(db, ctx.account_id, name)
        db.execute(
            "DELETE FROM server_certificates WHERE account_id = ? AND name = ?", (ctx.account_id, name)
        )
        self.changed()
        return {}

    def tag_server_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        cert = _require_server(db, ctx.account_id, req["ServerCertificateName"])
        self._save_server_certificate_tags(
            db, ctx.account_id, cert["name"], merged_tags(cert["tags"], req["Tags"])
        )
        return {}

    def untag_server_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        cert = _require_server(db, ctx.account_id, req["ServerCertificateName"])
        tags = without_tags(cert["tags"], req["TagKeys"])
        self._save_server_certificate_tags(db, ctx.account_id, cert["name"], tags)
        return {}

    def list_server_certificate_tags(self, ctx: RequestContext, req: dict) -> dict:
        cert = _require_server(self.db(), ctx.account_id, req["ServerCertificateName"])
        return tag_page(cert["tags"], req)

    def _save_server_certificate_tags(self, db: Database, account_id: str, name: str, tags: list) -> None:
        db.execute(
            "UPDATE server_certificates SET tags = ? WHERE account_id = ? AND name = ?",
            (tags_json(tags), account_id, name),
        )
        self.changed()

    # ------------------------------------------------------------ signing certificates

    def _signing_user(self, db: Database, ctx: RequestContext, req: dict) -> dict[str, Any]:
        user_name = user_name_or_caller(ctx, req)
        if user_name is None:  # the root user's signing certificates are not kept by Stratus
            raise IamValidationError("Must specify userName when calling with non-User credentials")
        return require_user(db, ctx.account_id, user_name)

    def upload_signing_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = self._signing_user(db, ctx, req)
        body = req["CertificateBody"]
        fingerprint = _fingerprint(parse_certificate(body))
        rows = db.query(
            "SELECT body FROM signing_certificates WHERE account_id = ? AND user_name = ?",
            (ctx.account_id, user["user_name"]),
        )
        if any(_fingerprint(parse_certificate(row["body"])) == fingerprint for row in rows):
            raise DuplicateCertificate("The same certificate already exists for this user.")
        if len(rows) >= MAX_SIGNING_CERTIFICATES_PER_USER:
            raise LimitExceeded(
                f"Cannot exceed quota for SigningCertificatesPerUser: {MAX_SIGNING_CERTIFICATES_PER_USER}"
            )
        certificate_id = random_upper(32)
        db.execute(
            "INSERT INTO signing_certificates (account_id, certificate_id, user_name, body, status, upload_date) "
            "VALUES (?, ?, ?, ?, 'Active', ?)",
            (ctx.account_id, certificate_id, user["user_name"], body, to_text(ctx.time)),
        )
        self.changed()
        return {
            "Certificate": {
                "UserName": user["user_name"],
                "CertificateId": certificate_id,
                "CertificateBody": body,
                "Status": "Active",
                "UploadDate": ctx.time,
            }
        }

    def list_signing_certificates(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = self._signing_user(db, ctx, req)
        rows = db.query(
            "SELECT * FROM signing_certificates WHERE account_id = ? AND user_name = ? "
            "ORDER BY upload_date, certificate_id",
            (ctx.account_id, user["user_name"]),
        )
        return list_page("Certificates", [_signing_shape(row) for row in rows], req)

    def _require_signing(self, db: Database, ctx: RequestContext, req: dict) -> dict[str, Any]:
        user = self._signing_user(db, ctx, req)
        certificate_id = req["CertificateId"]
        row = db.query_one(
            "SELECT * FROM signing_certificates WHERE account_id = ? AND certificate_id = ? AND user_name = ?",
            (ctx.account_id, certificate_id, user["user_name"]),
        )
        if row is None:
            raise NoSuchEntity(f"The Certificate with id {certificate_id} cannot be found.")
        return _signing_shape(row)

    def update_signing_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        cert = self._require_signing(db, ctx, req)
        db.execute(
            "UPDATE signing_certificates SET status = ? WHERE account_id = ? AND certificate_id = ?",
            (req["Status"], ctx.account_id, cert["CertificateId"]),
        )
        self.changed()
        return {}

    def delete_signing_certificate(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        cert = self._require_signing(db, ctx, req)
        db.execute(
            "DELETE FROM signing_certificates WHERE account_id = ? AND certificate_id = ?",
            (ctx.account_id, cert["CertificateId"]),
        )
        self.changed()
        return {}
