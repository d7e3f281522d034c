"""IAM users: create, read, rename, delete, tags and permissions boundaries."""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.iam import account_hooks
from stratus.services.iam.checks import check_name, check_tags
from stratus.services.iam.common import (
    DeleteConflict,
    EntityAlreadyExists,
    IamValidationError,
    unique_id,
    validate_path,
)
from stratus.services.iam.entities import (
    USER,
    all_of,
    drop_tags,
    entity_arn,
    find,
    require,
    write_tags,
)
from stratus.services.iam.managed import require_boundary
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.shapes import user_shape
from stratus.store.sqlite import Database, Row

# AWS does not say when an account was created; the root user's CreateDate is this fixed moment.
ROOT_CREATE_DATE = datetime(2020, 1, 1, tzinfo=UTC)


def user_dependents_message(db: Database, account_id: str, user: Row) -> str | None:
    """Why DeleteUser must refuse, as AWS words it, or None when the user has no dependents."""
    message = account_hooks.user_dependents(db, account_id, user["user_name"])
    if message:
        return message
    params = (account_id, user["user_id"])
    checks = (
        (
            "SELECT 1 FROM iam_access_keys WHERE account_id = ? AND user_id = ?",
            "must delete access keys first.",
        ),
        (
            "SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND entity_type = 'user' AND entity_id = ?",
            "must delete policies first.",
        ),
        (
            "SELECT 1 FROM iam_attachments WHERE account_id = ? AND entity_type = 'user' AND entity_id = ?",
            "must detach all policies first.",
        ),
        (
            "SELECT 1 FROM iam_group_members WHERE account_id = ? AND user_id = ?",
            "must remove users from group first.",
        ),
    )
    for sql, what in checks:
        if db.query_one(sql + " LIMIT 1", params):
            return f"Cannot delete entity, {what}"
    return None


class UserOperations(IamMixin):
    def create_user(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = check_name(req["UserName"], "userName")
        path = validate_path(req.get("Path"))
        boundary = req.get("PermissionsBoundary")
        tags = check_tags(req.get("Tags"))
        if boundary:
            require_boundary(db, ctx.account_id, boundary)
        if find(db, USER, ctx.account_id, name):
            raise EntityAlreadyExists(USER.exists.format(name=name))
        user_id = unique_id("user")
        with db.transaction():
            db.execute(
                "INSERT INTO iam_users (account_id, user_name, user_id, path, arn, create_date, boundary_arn) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    ctx.account_id,
                    name,
                    user_id,
                    path,
                    entity_arn(ctx.partition, ctx.account_id, "user", path, name),
                    self.now(ctx),
                    boundary,
                ),
            )
            write_tags(db, ctx.account_id, "user", user_id, tags)
        self.changed()
        return {"User": user_shape(db, require(db, USER, ctx.account_id, name))}

    def get_user(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req.get("UserName")
        if name is None:
            principal = ctx.principal
            if principal.type == "Root":
                return {
                    "User": {"UserId": ctx.account_id, "Arn": principal.arn, "CreateDate": ROOT_CREATE_DATE}
                }
            if principal.type != "IAMUser":
                raise IamValidationError("Must specify userName when calling with non-User credentials")
            name = principal.arn.rsplit("/", 1)[-1]
        return {"User": user_shape(db, require(db, USER, ctx.account_id, name))}

    def list_users(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        rows = all_of(db, USER, ctx.account_id, req.get("PathPrefix"))
        return self.page([user_shape(db, row, full=False) for row in rows], req, "Users")

    def update_user(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, req["UserName"])
        new_name = check_name(req.get("NewUserName") or user["user_name"], "newUserName")
        new_path = validate_path(req.get("NewPath") or user["path"], "newPath")
        clash = find(db, USER, ctx.account_id, new_name)
        if clash is not None and clash["user_id"] != user["user_id"]:
            raise EntityAlreadyExists(USER.exists.format(name=new_name))
        with db.transaction():
            db.execute(
                "UPDATE iam_users SET user_name = ?, path = ?, arn = ? WHERE account_id = ? AND user_id = ?",
                (
                    new_name,
                    new_path,
                    entity_arn(ctx.partition, ctx.account_id, "user", new_path, new_name),
                    ctx.account_id,
                    user["user_id"],
                ),
            )
            if new_name != user["user_name"]:
                account_hooks.rename_user(db, ctx.account_id, user["user_name"], new_name)
        self.changed()
        return {}

    def delete_user(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, req["UserName"])
        conflict = user_dependents_message(db, ctx.account_id, user)
        if conflict:
            raise DeleteConflict(conflict)
        with db.transaction():
            db.execute(
                "DELETE FROM iam_users WHERE account_id = ? AND user_id = ?",
                (ctx.account_id, user["user_id"]),
            )
            drop_tags(db, ctx.account_id, "user", user["user_id"])
        self.changed()
        return {}

    # -- tags ------------------------------------------------------------------------------

    def tag_user(self, ctx: RequestContext, req: dict) -> dict:
        return self.tag_entity(ctx, USER, req["UserName"], req["Tags"])

    def untag_user(self, ctx: RequestContext, req: dict) -> dict:
        return self.untag_entity(ctx, USER, req["UserName"], req["TagKeys"])

    def list_user_tags(self, ctx: RequestContext, req: dict) -> dict:
        return self.list_entity_tags(ctx, USER, req["UserName"], req)

    # -- permissions boundary --------------------------------------------------------------

    def put_user_permissions_boundary(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, req["UserName"])
        arn = require_boundary(db, ctx.account_id, req["PermissionsBoundary"])
        with db.transaction():
            db.execute(
                "UPDATE iam_users SET boundary_arn = ? WHERE account_id = ? AND user_id = ?",
                (arn, ctx.account_id, user["user_id"]),
            )
        self.changed()
        return {}

    def delete_user_permissions_boundary(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, req["UserName"])
        with db.transaction():
            db.execute(
                "UPDATE iam_users SET boundary_arn = NULL WHERE account_id = ? AND user_id = ?",
                (ctx.account_id, user["user_id"]),
            )
        self.changed()
        return {}
