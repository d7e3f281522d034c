"""Instance profiles: the container that hands one role to an EC2 instance."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_name, check_tags
from stratus.services.iam.common import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    unique_id,
    validate_path,
)
from stratus.services.iam.entities import (
    INSTANCE_PROFILE,
    ROLE,
    all_of,
    drop_tags,
    entity_arn,
    find,
    require,
    write_tags,
)
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.shapes import instance_profile_shape

ROLES_PER_INSTANCE_PROFILE = 1


class InstanceProfileOperations(IamMixin):
    def create_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = check_name(req["InstanceProfileName"], "instanceProfileName")
        path = validate_path(req.get("Path"))
        tags = check_tags(req.get("Tags"))
        if find(db, INSTANCE_PROFILE, ctx.account_id, name):
            raise EntityAlreadyExists(INSTANCE_PROFILE.exists.format(name=name))
        profile_id = unique_id("instance-profile")
        with db.transaction():
            db.execute(
                "INSERT INTO iam_instance_profiles (account_id, profile_name, profile_id, path, arn, create_date) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    ctx.account_id,
                    name,
                    profile_id,
                    path,
                    entity_arn(ctx.partition, ctx.account_id, "instance-profile", path, name),
                    self.now(ctx),
                ),
            )
            write_tags(db, ctx.account_id, "instance-profile", profile_id, tags)
        self.changed()
        return {
            "InstanceProfile": instance_profile_shape(db, require(db, INSTANCE_PROFILE, ctx.account_id, name))
        }

    def get_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        profile = require(db, INSTANCE_PROFILE, ctx.account_id, req["InstanceProfileName"])
        return {"InstanceProfile": instance_profile_shape(db, profile)}

    def list_instance_profiles(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        rows = all_of(db, INSTANCE_PROFILE, ctx.account_id, req.get("PathPrefix"))
        profiles = [instance_profile_shape(db, row, tags=False) for row in rows]
        return self.page(profiles, req, "InstanceProfiles")

    def delete_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        profile = require(db, INSTANCE_PROFILE, ctx.account_id, req["InstanceProfileName"])
        params = (ctx.account_id, profile["profile_id"])
        if db.query_one(
            "SELECT 1 FROM iam_instance_profile_roles WHERE account_id = ? AND profile_id = ?", params
        ):
            raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
        with db.transaction():
            db.execute("DELETE FROM iam_instance_profiles WHERE account_id = ? AND profile_id = ?", params)
            drop_tags(db, ctx.account_id, "instance-profile", profile["profile_id"])
        self.changed()
        return {}

    def add_role_to_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        profile = require(db, INSTANCE_PROFILE, ctx.account_id, req["InstanceProfileName"])
        role = require(db, ROLE, ctx.account_id, req["RoleName"])
        count = db.query_one(
            "SELECT COUNT(*) AS n FROM iam_instance_profile_roles WHERE account_id = ? AND profile_id = ?",
            (ctx.account_id, profile["profile_id"]),
        )
        if count["n"] >= ROLES_PER_INSTANCE_PROFILE:
            raise LimitExceeded(
                f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_INSTANCE_PROFILE}"
            )
        with db.transaction():
            db.execute(
                "INSERT INTO iam_instance_profile_roles (account_id, profile_id, role_id) VALUES (?, ?, ?)",
                (ctx.account_id, profile["profile_id"], role["role_id"]),
            )
        self.changed()
        return {}

    def remove_role_from_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        profile = require(db, INSTANCE_PROFILE, ctx.account_id, req["InstanceProfileName"])
        role = require(db, ROLE, ctx.account_id, req["RoleName"])
        with db.transaction():
            removed = db.execute(
                "DELETE FROM iam_instance_profile_roles WHERE account_id = ? AND profile_id = ? AND role_id = ?",
                (ctx.account_id, profile["profile_id"], role["role_id"]),
            ).rowcount
        if not removed:
            raise NoSuchEntity(ROLE.not_found.format(name=req["RoleName"]))
        self.changed()
        return {}

    def list_instance_profiles_for_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = require(db, ROLE, ctx.account_id, req["RoleName"])
        rows = db.query(
            "SELECT p.* FROM iam_instance_profile_roles r JOIN iam_instance_profiles p "
            "ON p.account_id = r.account_id AND p.profile_id = r.profile_id "
            "WHERE r.account_id = ? AND r.role_id = ? ORDER BY p.profile_name",
            (ctx.account_id, role["role_id"]),
        )
        profiles = [instance_profile_shape(db, row, tags=False) for row in rows]
        return self.page(profiles, req, "InstanceProfiles")

    # -- tags ------------------------------------------------------------------------------

    def tag_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        return self.tag_entity(ctx, INSTANCE_PROFILE, req["InstanceProfileName"], req["Tags"])

    def untag_instance_profile(self, ctx: RequestContext, req: dict) -> dict:
        return self.untag_entity(ctx, INSTANCE_PROFILE, req["InstanceProfileName"], req["TagKeys"])

    def list_instance_profile_tags(self, ctx: RequestContext, req: dict) -> dict:
        return self.list_entity_tags(ctx, INSTANCE_PROFILE, req["InstanceProfileName"], req)
