"""SAML 2.0 identity providers: metadata documents, assertion decryption keys, tags."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ElementTree
from datetime import datetime
from typing import Any

from stratus.core.context import RequestContext
from stratus.core.ids import random_upper
from stratus.services.iam.account_store import from_text, tags_from, to_text
from stratus.services.iam.account_support import (
    AccountMixin,
    merged_tags,
    tag_page,
    tags_json,
    without_tags,
)
from stratus.services.iam.common import EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity
from stratus.store.sqlite import Database

MAX_PROVIDERS = 100
MAX_PRIVATE_KEYS = 2


def _metadata_valid_until(document: str) -> datetime | None:
    """Parse the metadata (an md:EntityDescriptor) and return its validUntil, if it states one."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError as error:
        raise InvalidInput("Could not parse metadata") from error
    if not root.tag.endswith("EntityDescriptor") and not root.tag.endswith("EntitiesDescriptor"):
        raise InvalidInput("Could not parse metadata")
    valid_until = root.get("validUntil")
    if not valid_until:
        return None
    try:
        return datetime.fromisoformat(valid_until.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidInput("Could not parse metadata") from error


def _check_private_key(pem: str) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError) as error:
        raise InvalidInput("The private key is not a valid PEM-encoded key.") from error


def _record(row: Any) -> dict[str, Any]:
    return {
        "arn": row["arn"],
        "name": row["name"],
        "uuid": row["provider_uuid"],
        "metadata": row["metadata_document"],
        "encryption_mode": row["assertion_encryption_mode"],
        "private_keys": json.loads(row["private_keys"]),
        "valid_until": from_text(row["valid_until"]),
        "create_date": from_text(row["create_date"]),
        "tags": tags_from(row["tags"]),
    }


def saml_provider(db: Database, account_id: str, arn: str) -> dict[str, Any] | None:
    row = db.query_one("SELECT * FROM saml_providers WHERE account_id = ? AND arn = ?", (account_id, arn))
    return None if row is None else _record(row)


def _require(db: Database, account_id: str, arn: str) -> dict[str, Any]:
    provider = saml_provider(db, account_id, arn)
    if provider is None:
        raise NoSuchEntity(f"Manifest not found for arn {arn}")
    return provider


def _with_key(keys: list[dict[str, str]], pem: str | None, now: datetime) -> list[dict[str, str]]:
    if pem is None:
        return keys
    _check_private_key(pem)
    if len(keys) >= MAX_PRIVATE_KEYS:
        raise LimitExceeded(f"Cannot exceed quota for PrivateKeysPerSamlProvider: {MAX_PRIVATE_KEYS}")
    # Only the key's id and time are kept: nothing in Stratus decrypts assertions yet.
    return [*keys, {"KeyId": random_upper(32), "Timestamp": to_text(now) or ""}]


def _check_encryption(mode: str | None, keys: list[dict[str, str]]) -> None:
    if mode == "Required" and not keys:
        raise InvalidInput("A private key is required when the assertion encryption mode is Required.")


class SamlOperations(AccountMixin):
    def create_saml_provider(self, ctx: RequestContext, req: dict) -> dict:
        name = req["Name"]
        document = req["SAMLMetadataDocument"]
        valid_until = _metadata_valid_until(document)
        tags = merged_tags([], req.get("Tags"))
        keys = _with_key([], req.get("AddPrivateKey"), ctx.time)
        mode = req.get("AssertionEncryptionMode")
        _check_encryption(mode, keys)
        arn = f"arn:{ctx.partition}:iam::{ctx.account_id}:saml-provider/{name}"
        db = self.db()
        if saml_provider(db, ctx.account_id, arn) is not None:
            raise EntityAlreadyExists(f"SAMLProvider {name} already exists.")
        count = db.query_one("SELECT COUNT(*) FROM saml_providers WHERE account_id = ?", (ctx.account_id,))[0]
        if count >= MAX_PROVIDERS:
            raise LimitExceeded(f"Cannot exceed quota for SamlProvidersPerAccount: {MAX_PROVIDERS}")
        db.execute(
            "INSERT INTO saml_providers (account_id, arn, name, provider_uuid, metadata_document, "
            "assertion_encryption_mode, private_keys, valid_until, tags, create_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.account_id,
                arn,
                name,
                str(uuid.uuid4()),
                document,
                mode,
                json.dumps(keys),
                to_text(valid_until),
                tags_json(tags),
                to_text(ctx.time),
            ),
        )
        self.changed()
        answer: dict[str, Any] = {"SAMLProviderArn": arn}
        if tags:
            answer["Tags"] = tags
        return answer

    def get_saml_provider(self, ctx: RequestContext, req: dict) -> dict:
        provider = _require(self.db(), ctx.account_id, req["SAMLProviderArn"])
        answer: dict[str, Any] = {
            "SAMLProviderUUID": provider["uuid"],
            "SAMLMetadataDocument": provider["metadata"],
            "CreateDate": provider["create_date"],
        }
        if provider["valid_until"] is not None:
            answer["ValidUntil"] = provider["valid_until"]
        if provider["tags"]:
            answer["Tags"] = provider["tags"]
        if provider["encryption_mode"]:
            answer["AssertionEncryptionMode"] = provider["encryption_mode"]
        if provider["private_keys"]:
            answer["PrivateKeyList"] = [
                {"KeyId": key["KeyId"], "Timestamp": from_text(key["Timestamp"])}
                for key in provider["private_keys"]
            ]
        return answer

    def list_saml_providers(self, ctx: RequestContext, req: dict) -> dict:
        rows = self.db().query(
            "SELECT * FROM saml_providers WHERE account_id = ? ORDER BY arn", (ctx.account_id,)
        )
        entries = []
        for row in rows:
            entry: dict[str, Any] = {"Arn": row["arn"], "CreateDate": from_text(row["create_date"])}
            if row["valid_until"]:
                entry["ValidUntil"] = from_text(row["valid_until"])
            entries.append(entry)
        return {"SAMLProviderList": entries}

    def update_saml_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["SAMLProviderArn"])
        document = req.get("SAMLMetadataDocument")
        valid_until = provider["valid_until"]
        if document is not None:
            valid_until = _metadata_valid_until(document)
        keys = provider["private_keys"]
        removed = req.get("RemovePrivateKey")
        if removed is not None:
            if not any(key["KeyId"] == removed for key in keys):
                raise InvalidInput(f"The private key {removed} does not exist for this provider.")
            keys = [key for key in keys if key["KeyId"] != removed]
        keys = _with_key(keys, req.get("AddPrivateKey"), ctx.time)
        mode = req.get("AssertionEncryptionMode") or provider["encryption_mode"]
        _check_encryption(mode, keys)
        db.execute(
            "UPDATE saml_providers SET metadata_document = ?, valid_until = ?, private_keys = ?, "
            "assertion_encryption_mode = ? WHERE account_id = ? AND arn = ?",
            (
                document if document is not None else provider["metadata"],
                to_text(valid_until),
                json.dumps(keys),
                mode,
                ctx.account_id,
                provider["arn"],
            ),
        )
        self.changed()
        return {"SAMLProviderArn": provider["arn"]}

    def delete_saml_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["SAMLProviderArn"])
        db.execute(
            "DELETE FROM saml_providers WHERE account_id = ? AND arn = ?", (ctx.account_id, provider["arn"])
        )
        self.changed()
        return {}

    def tag_saml_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["SAMLProviderArn"])
        self._save_saml_tags(db, ctx.account_id, provider["arn"], merged_tags(provider["tags"], req["Tags"]))
        return {}

    def untag_saml_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["SAMLProviderArn"])
        self._save_saml_tags(
            db, ctx.account_id, provider["arn"], without_tags(provider["tags"], req["TagKeys"])
        )
        return {}

    def list_saml_provider_tags(self, ctx: RequestContext, req: dict) -> dict:
        provider = _require(self.db(), ctx.account_id, req["SAMLProviderArn"])
        return tag_page(provider["tags"], req)

    def _save_saml_tags(self, db: Database, account_id: str, arn: str, tags: list[dict[str, str]]) -> None:
        db.execute(
            "UPDATE saml_providers SET tags = ? WHERE account_id = ? AND arn = ?",
            (tags_json(tags), account_id, arn),
        )
        self.changed()
