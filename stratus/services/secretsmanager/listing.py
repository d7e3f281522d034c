"""ListSecrets: filters, sort order and paging (shared with BatchGetSecretValue's filters).

Filters as AWS documents them: name, tag-key, tag-value, primary-region and owning-service are
case-sensitive prefix matches, description a prefix match ignoring case, and `all` breaks its value
into words that must each begin a word of one of those attributes (ignoring case). A value starting
with "!" negates. Values of one filter are alternatives; filters must all match.
SecretsManagerProvider supplies `db`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from stratus.core.context import RequestContext
from stratus.services.secretsmanager.common import InvalidNextTokenException, Secret
from stratus.services.secretsmanager.describe import list_entry, primary_region
from stratus.services.secretsmanager.store import secrets_in, tag_map
from stratus.store import Database

DEFAULT_PAGE = 100
INVALID_TOKEN = "The NextToken value is invalid."  # guessed: AWS does not document it
_WORD_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def _words(text: str) -> list[str]:
    lowered = text.lower()
    return [lowered, *(word for word in _WORD_SEPARATORS.split(lowered) if word)]


class _Attributes:
    """What the filters look at, read once per secret."""

    def __init__(self, db: Database, secret: Secret) -> None:
        self.secret = secret
        self.tags = tag_map(db, secret.secret_id)
        self.region = primary_region(db, secret, True) or secret.region

    def hit(self, key: str, value: str) -> bool:
        secret = self.secret
        if key == "name":
            return secret.name.startswith(value)
        if key == "description":
            return (secret.description or "").lower().startswith(value.lower())
        if key == "tag-key":
            return any(tag.startswith(value) for tag in self.tags)
        if key == "tag-value":
            return any(tag.startswith(value) for tag in self.tags.values())
        if key == "primary-region":
            return self.region.startswith(value)
        if key == "owning-service":
            return (secret.owning_service or "").startswith(value)
        # "all": every word of the value begins a word of some attribute
        texts = [secret.name, secret.description or "", self.region, secret.owning_service or ""]
        texts += list(self.tags) + list(self.tags.values())
        words = [word for text in texts for word in _words(text)]
        wanted = value.lower().split()
        return bool(wanted) and all(any(word.startswith(part) for word in words) for part in wanted)


def _filter_matches(attributes: _Attributes, key: str, values: list[str]) -> bool:
    positives = [value for value in values if not value.startswith("!")]
    negatives = [value[1:] for value in values if value.startswith("!")]
    if positives and not any(attributes.hit(key, value) for value in positives):
        return False
    return not any(attributes.hit(key, value) for value in negatives)


def matching_secrets(
    db: Database, ctx: RequestContext, filters: list[dict] | None, *, include_deleted: bool
) -> list[Secret]:
    """The secrets of the caller's account and region that pass the filters, oldest first."""
    found = []
    for secret in secrets_in(db, ctx.account_id, ctx.region):
        if secret.scheduled_for_deletion and not include_deleted:
            continue
        if filters:
            attributes = _Attributes(db, secret)
            if not all(_filter_matches(attributes, f["Key"], f.get("Values") or []) for f in filters):
                continue
        found.append(secret)
    found.sort(key=lambda secret: (secret.created_at, secret.secret_id))
    return found


def _sort_key(sort_by: str):
    if sort_by == "name":
        return lambda secret: (secret.name, secret.secret_id)
    if sort_by == "last-accessed-date":
        return lambda secret: (secret.last_accessed_at or 0.0, secret.secret_id)
    if sort_by == "last-changed-date":
        return lambda secret: (secret.last_changed_at, secret.secret_id)
    return lambda secret: (secret.created_at, secret.secret_id)


def _encode(position: int, secret_id: int) -> str:
    raw = json.dumps({"p": position, "id": secret_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(token: str) -> tuple[int, int]:
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(position["p"]), int(position["id"])
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise InvalidNextTokenException(INVALID_TOKEN) from None


def page_of(items: list[Secret], token: str | None, limit: int) -> tuple[list[Secret], str | None]:
    """One page of `items` (already in order) after the position `token` names, and the next token."""
    start = 0
    if token is not None:
        position, last_id = _decode(token)
        ids = [secret.secret_id for secret in items]
        # The secret the last page ended with may have moved or gone: continue after it if found.
        start = ids.index(last_id) + 1 if last_id in ids else min(max(position, 0), len(items))
    page = items[start : start + limit]
    following = None
    if start + limit < len(items) and page:
        following = _encode(start + len(page), page[-1].secret_id)
    return page, following


class ListingOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def list_secrets(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        found = matching_secrets(
            db, ctx, req.get("Filters"), include_deleted=bool(req.get("IncludePlannedDeletion"))
        )
        found.sort(key=_sort_key(req.get("SortBy") or "created-date"), reverse=req.get("SortOrder") == "desc")
        page, token = page_of(found, req.get("NextToken"), req.get("MaxResults") or DEFAULT_PAGE)
        out: dict = {"SecretList": [list_entry(db, secret) for secret in page]}
        if token is not None:
            out["NextToken"] = token
        return out
