"""Tags: TagResource, UntagResource, and the checks CreateSecret shares. SecretsManagerProvider
supplies `db`. Tags are replicated to a secret's replicas; a replica's tags change only through
its primary."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.secretsmanager.common import InvalidParameterException, now
from stratus.services.secretsmanager.identifiers import require_secret
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.store import read_tags, remove_tags, update_secret, write_tags
from stratus.services.secretsmanager.writes import forbid_deleted, forbid_replica
from stratus.store import Database

MAX_TAGS = 50
# Guessed wordings: AWS does not document them.
TOO_MANY_TAGS = "Number of tags exceeds Secrets Manager's limit of 50."
RESERVED_PREFIX = "Invalid tag key: the prefix aws: is reserved for AWS use."
DUPLICATE_KEYS = "Duplicate tag keys found. Tag keys must be unique."


def check_tags(tags: list[dict], existing: list[dict] | None = None) -> None:
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise InvalidParameterException(DUPLICATE_KEYS)
    if any(key.lower().startswith("aws:") for key in keys):
        raise InvalidParameterException(RESERVED_PREFIX)
    combined = {tag["Key"] for tag in existing or []} | set(keys)
    if len(combined) > MAX_TAGS:
        raise InvalidParameterException(TOO_MANY_TAGS)


class TagOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def tag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            check_tags(req["Tags"], read_tags(db, secret.secret_id))
            write_tags(db, secret.secret_id, req["Tags"])
            update_secret(db, secret.secret_id, tags_shown=1, last_changed_at=now(ctx))
            mirror(db, secret.secret_id)
        return {}

    def untag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            if any(key.lower().startswith("aws:") for key in req["TagKeys"]):
                raise InvalidParameterException(RESERVED_PREFIX)
            remove_tags(db, secret.secret_id, req["TagKeys"])
            update_secret(db, secret.secret_id, tags_shown=1, last_changed_at=now(ctx))
            mirror(db, secret.secret_id)
        return {}
