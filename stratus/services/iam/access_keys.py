"""IAM users' long-term access keys."""

from __future__ import annotations

import secrets
import string

from stratus.core.context import RequestContext
from stratus.services.iam.common import IamValidationError, LimitExceeded, NoSuchEntity, unique_id
from stratus.services.iam.entities import USER, require
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.store import from_text
from stratus.store.sqlite import Database, Row

ACCESS_KEYS_PER_USER = 2
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def new_secret_access_key() -> str:
    """40 characters of the base64 alphabet, like AWS's secret access keys."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def calling_user_name(ctx: RequestContext, req: dict) -> str:
    """UserName, or the calling IAM user when it is left out (AWS's rule for access key operations)."""
    name = req.get("UserName")
    if name:
        return name
    if ctx.principal.type == "IAMUser" and ":user/" in ctx.principal.arn:
        return ctx.principal.arn.rsplit("/", 1)[-1]
    # Root access keys are not modelled: the root user signs with the account's test credentials.
    raise IamValidationError("Must specify userName when calling with non-User credentials")


def keys_of_user(db: Database, account_id: str, user_id: str) -> list[Row]:
    return db.query(
        "SELECT * FROM iam_access_keys WHERE account_id = ? AND user_id = ? ORDER BY create_date, access_key_id",
        (account_id, user_id),
    )


def _key_of_user(db: Database, account_id: str, user: Row, access_key_id: str) -> Row:
    row = db.query_one(
        "SELECT * FROM iam_access_keys WHERE access_key_id = ? AND account_id = ? AND user_id = ?",
        (access_key_id, account_id, user["user_id"]),
    )
    if row is None:
        raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
    return row


def key_metadata(user: Row, row: Row) -> dict:
    return {
        "UserName": user["user_name"],
        "AccessKeyId": row["access_key_id"],
        "Status": row["status"],
        "CreateDate": from_text(row["create_date"]),
    }


class AccessKeyOperations(IamMixin):
    def create_access_key(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, calling_user_name(ctx, req))
        if len(keys_of_user(db, ctx.account_id, user["user_id"])) >= ACCESS_KEYS_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}")
        access_key_id, secret = unique_id("access-key"), new_secret_access_key()
        with db.transaction():
            db.execute(
                "INSERT INTO iam_access_keys (access_key_id, account_id, user_id, secret_access_key, status, "
                "create_date) VALUES (?, ?, ?, ?, 'Active', ?)",
                (access_key_id, ctx.account_id, user["user_id"], secret, self.now(ctx)),
            )
        self.changed()
        return {
            "AccessKey": {
                "UserName": user["user_name"],
                "AccessKeyId": access_key_id,
                "Status": "Active",
                "SecretAccessKey": secret,
                "CreateDate": ctx.time,
            }
        }

    def list_access_keys(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, calling_user_name(ctx, req))
        keys = [key_metadata(user, row) for row in keys_of_user(db, ctx.account_id, user["user_id"])]
        return self.page(keys, req, "AccessKeyMetadata")

    def update_access_key(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, calling_user_name(ctx, req))
        key = _key_of_user(db, ctx.account_id, user, req["AccessKeyId"])
        with db.transaction():
            db.execute(
                "UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?",
                (req["Status"], key["access_key_id"]),
            )
        self.changed()
        return {}

    def delete_access_key(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, calling_user_name(ctx, req))
        key = _key_of_user(db, ctx.account_id, user, req["AccessKeyId"])
        with db.transaction():
            db.execute("DELETE FROM iam_access_keys WHERE access_key_id = ?", (key["access_key_id"],))
        self.changed()
        return {}

    def get_access_key_last_used(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        access_key_id = req["AccessKeyId"]
        row = db.query_one(
            "SELECT k.*, u.user_name FROM iam_access_keys k JOIN iam_users u "
            "ON u.account_id = k.account_id AND u.user_id = k.user_id "
            "WHERE k.access_key_id = ? AND k.account_id = ?",
            (access_key_id, ctx.account_id),
        )
        if row is None:
            raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
        last_used: dict = {"ServiceName": "N/A", "Region": "N/A"}
        if row["last_used_date"]:
            last_used = {
                "LastUsedDate": from_text(row["last_used_date"]),
                "ServiceName": row["last_used_service"],
                "Region": row["last_used_region"],
            }
        return {"UserName": row["user_name"], "AccessKeyLastUsed": last_used}
