"""OpenID Connect identity providers: the issuers AssumeRoleWithWebIdentity trusts."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from stratus.core.context import RequestContext
from stratus.services.iam.account_store import oidc_provider, oidc_url_key, to_text
from stratus.services.iam.account_support import (
    AccountMixin,
    merged_tags,
    tag_page,
    tags_json,
    without_tags,
)
from stratus.services.iam.common import (
    EntityAlreadyExists,
    IamValidationError,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
)
from stratus.store.sqlite import Database

MAX_PROVIDERS = 100
MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
_HEX40 = re.compile(r"[0-9a-fA-F]{40}")


def _provider_url(url: str) -> str:
    """Check the issuer URL (https only) and return it as IAM keys it (no scheme, no trailing /)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise IamValidationError("Invalid Open ID Connect Provider URL")
    if parts.scheme.lower() != "https":
        raise InvalidInput("Invalid Open ID Connect Provider URL. The URL must begin with https://.")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise InvalidInput("Invalid Open ID Connect Provider URL")
    return oidc_url_key(url)


def _thumbprints(values: list[str] | None) -> list[str]:
    values = values or []
    if len(values) > MAX_THUMBPRINTS:
        raise InvalidInput("Thumbprint list must contain fewer than 5 entries.")
    for value in values:
        if not _HEX40.fullmatch(value):
            raise InvalidInput(f"Thumbprint {value} is not a valid SHA-1 hex digest.")
    return [value.lower() for value in values]


def _client_ids(values: list[str] | None) -> list[str]:
    unique = list(dict.fromkeys(values or []))
    if len(unique) > MAX_CLIENT_IDS:
        raise LimitExceeded(f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}")
    return unique


def _require(db: Database, account_id: str, arn: str) -> dict[str, Any]:
    provider = oidc_provider(db, account_id, arn)
    if provider is None:
        raise NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")
    return provider


class OidcOperations(AccountMixin):
    def create_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        url = _provider_url(req["Url"])
        client_ids = _client_ids(req.get("ClientIDList"))
        thumbprints = _thumbprints(req.get("ThumbprintList"))
        tags = merged_tags([], req.get("Tags"))
        arn = f"arn:{ctx.partition}:iam::{ctx.account_id}:oidc-provider/{url}"
        db = self.db()
        if oidc_provider(db, ctx.account_id, arn) is not None:
            raise EntityAlreadyExists(f"Provider with url https://{url} already exists.")
        count = db.query_one("SELECT COUNT(*) FROM oidc_providers WHERE account_id = ?", (ctx.account_id,))[0]
        if count >= MAX_PROVIDERS:
            raise LimitExceeded(f"Cannot exceed quota for OpenIdConnectProvidersPerAccount: {MAX_PROVIDERS}")
        db.execute(
            "INSERT INTO oidc_providers (account_id, arn, url, client_ids, thumbprints, tags, create_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.account_id,
                arn,
                url,
                json.dumps(client_ids),
                json.dumps(thumbprints),
                tags_json(tags),
                to_text(ctx.time),
            ),
        )
        self.changed()
        answer: dict[str, Any] = {"OpenIDConnectProviderArn": arn}
        if tags:
            answer["Tags"] = tags
        return answer

    def get_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        provider = _require(self.db(), ctx.account_id, req["OpenIDConnectProviderArn"])
        answer: dict[str, Any] = {
            "Url": provider["url"],
            "ClientIDList": provider["client_ids"],
            "ThumbprintList": provider["thumbprints"],
            "CreateDate": provider["create_date"],
        }
        if provider["tags"]:
            answer["Tags"] = provider["tags"]
        return answer

    def list_open_id_connect_providers(self, ctx: RequestContext, req: dict) -> dict:
        rows = self.db().query(
            "SELECT arn FROM oidc_providers WHERE account_id = ? ORDER BY arn", (ctx.account_id,)
        )
        return {"OpenIDConnectProviderList": [{"Arn": row["arn"]} for row in rows]}

    def delete_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        arn = req["OpenIDConnectProviderArn"]
        _require(db, ctx.account_id, arn)
        db.execute("DELETE FROM oidc_providers WHERE account_id = ? AND arn = ?", (ctx.account_id, arn))
        self.changed()
        return {}

    def add_client_id_to_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["OpenIDConnectProviderArn"])
        # Adding a client id that is already there is not an error (the operation is idempotent).
        client_ids = _client_ids([*provider["client_ids"], req["ClientID"]])
        self._update_oidc(db, ctx.account_id, provider["arn"], "client_ids", client_ids)
        return {}

    def remove_client_id_from_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["OpenIDConnectProviderArn"])
        client_ids = [value for value in provider["client_ids"] if value != req["ClientID"]]
        self._update_oidc(db, ctx.account_id, provider["arn"], "client_ids", client_ids)
        return {}

    def update_open_id_connect_provider_thumbprint(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["OpenIDConnectProviderArn"])
        self._update_oidc(
            db, ctx.account_id, provider["arn"], "thumbprints", _thumbprints(req["ThumbprintList"])
        )
        return {}

    def tag_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["OpenIDConnectProviderArn"])
        self._update_oidc(
            db, ctx.account_id, provider["arn"], "tags", merged_tags(provider["tags"], req["Tags"])
        )
        return {}

    def untag_open_id_connect_provider(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        provider = _require(db, ctx.account_id, req["OpenIDConnectProviderArn"])
        self._update_oidc(
            db, ctx.account_id, provider["arn"], "tags", without_tags(provider["tags"], req["TagKeys"])
        )
        return {}

    def list_open_id_connect_provider_tags(self, ctx: RequestContext, req: dict) -> dict:
        provider = _require(self.db(), ctx.account_id, req["OpenIDConnectProviderArn"])
        return tag_page(provider["tags"], req)

    def _update_oidc(self, db: Database, account_id: str, arn: str, column: str, value: list) -> None:
        # `column` is one of this module's literals, never input.
        db.execute(
            f"UPDATE oidc_providers SET {column} = ? WHERE account_id = ? AND arn = ?",
            (tags_json(value) if column == "tags" else json.dumps(value), account_id, arn),
        )
        self.changed()
