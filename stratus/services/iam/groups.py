"""IAM groups and their members."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_name
from stratus.services.iam.common import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    unique_id,
    validate_path,
)
from stratus.services.iam.entities import GROUP, USER, all_of, entity_arn, find, require
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.shapes import group_shape, user_shape
from stratus.store.sqlite import Database, Row

GROUPS_PER_USER = 10


def groups_of_user(db: Database, account_id: str, user_id: str) -> list[Row]:
    return db.query(
        "SELECT g.* FROM iam_group_members m JOIN iam_groups g "
        "ON g.account_id = m.account_id AND g.group_id = m.group_id "
        "WHERE m.account_id = ? AND m.user_id = ? ORDER BY g.group_name",
        (account_id, user_id),
    )


def members_of_group(db: Database, account_id: str, group_id: str) -> list[Row]:
    return db.query(
        "SELECT u.* FROM iam_group_members m JOIN iam_users u "
        "ON u.account_id = m.account_id AND u.user_id = m.user_id "
        "WHERE m.account_id = ? AND m.group_id = ? ORDER BY u.user_name",
        (account_id, group_id),
    )


class GroupOperations(IamMixin):
    def create_group(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = check_name(req["GroupName"], "groupName")
        path = validate_path(req.get("Path"))
        if find(db, GROUP, ctx.account_id, name):
            raise EntityAlreadyExists(GROUP.exists.format(name=name))
        with db.transaction():
            db.execute(
                "INSERT INTO iam_groups (account_id, group_name, group_id, path, arn, create_date) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    ctx.account_id,
                    name,
                    unique_id("group"),
                    path,
                    entity_arn(ctx.partition, ctx.account_id, "group", path, name),
                    self.now(ctx),
                ),
            )
        self.changed()
        return {"Group": group_shape(require(db, GROUP, ctx.account_id, name))}

    def get_group(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        group = require(db, GROUP, ctx.account_id, req["GroupName"])
        users = [
            user_shape(db, row, full=False) for row in members_of_group(db, ctx.account_id, group["group_id"])
        ]
        return {"Group": group_shape(group), **self.page(users, req, "Users")}

    def list_groups(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        groups = [group_shape(row) for row in all_of(db, GROUP, ctx.account_id, req.get("PathPrefix"))]
        return self.page(groups, req, "Groups")

    def update_group(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        group = require(db, GROUP, ctx.account_id, req["GroupName"])
        new_name = check_name(req.get("NewGroupName") or group["group_name"], "newGroupName")
        new_path = validate_path(req.get("NewPath") or group["path"], "newPath")
        clash = find(db, GROUP, ctx.account_id, new_name)
        if clash is not None and clash["group_id"] != group["group_id"]:
            raise EntityAlreadyExists(GROUP.exists.format(name=new_name))
        with db.transaction():
            db.execute(
                "UPDATE iam_groups SET group_name = ?, path = ?, arn = ? WHERE account_id = ? AND group_id = ?",
                (
                    new_name,
                    new_path,
                    entity_arn(ctx.partition, ctx.account_id, "group", new_path, new_name),
                    ctx.account_id,
                    group["group_id"],
                ),
            )
        self.changed()
        return {}

    def delete_group(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        group = require(db, GROUP, ctx.account_id, req["GroupName"])
        params = (ctx.account_id, group["group_id"])
        checks = (
            (
                "SELECT 1 FROM iam_group_members WHERE account_id = ? AND group_id = ?",
                "remove users from group",
            ),
            (
                "SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND entity_type = 'group' AND entity_id = ?",
                "delete policies",
            ),
            (
                "SELECT 1 FROM iam_attachments WHERE account_id = ? AND entity_type = 'group' AND entity_id = ?",
                "detach all policies",
            ),
        )
        for sql, what in checks:
            if db.query_one(sql + " LIMIT 1", params):
                raise DeleteConflict(f"Cannot delete entity, must {what} first.")
        with db.transaction():
            db.execute("DELETE FROM iam_groups WHERE account_id = ? AND group_id = ?", params)
        self.changed()
        return {}

    # -- membership ------------------------------------------------------------------------

    def add_user_to_group(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        group = require(db, GROUP, ctx.account_id, req["GroupName"])
        user = require(db, USER, ctx.account_id, req["UserName"])
        current = groups_of_user(db, ctx.account_id, user["user_id"])
        if any(row["group_id"] == group["group_id"] for row in current):
            return {}  # already a member: AWS answers success
        if len(current) >= GROUPS_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}")
        with db.transaction():
            db.execute(
                "INSERT INTO iam_group_members (account_id, group_id, user_id) VALUES (?, ?, ?)",
                (ctx.account_id, group["group_id"], user["user_id"]),
            )
        self.changed()
        return {}

    def remove_user_from_group(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        group = require(db, GROUP, ctx.account_id, req["GroupName"])
        user = require(db, USER, ctx.account_id, req["UserName"])
        with db.transaction():
            removed = db.execute(
                "DELETE FROM iam_group_members WHERE account_id = ? AND group_id = ? AND user_id = ?",
                (ctx.account_id, group["group_id"], user["user_id"]),
            ).rowcount
        if not removed:
            raise NoSuchEntity(USER.not_found.format(name=req["UserName"]))
        self.changed()
        return {}

    def list_groups_for_user(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require(db, USER, ctx.account_id, req["UserName"])
        groups = [group_shape(row) for row in groups_of_user(db, ctx.account_id, user["user_id"])]
        return self.page(groups, req, "Groups")
