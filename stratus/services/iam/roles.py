"""IAM roles: create, read, update, delete, trust policies, tags and permissions boundaries."""

from __future__ import annotations

from collections.abc import Sequence

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_name, check_tags, check_trust_policy
from stratus.services.iam.common import (
    DeleteConflict,
    EntityAlreadyExists,
    UnmodifiableEntity,
    unique_id,
    validate_path,
)
from stratus.services.iam.entities import (
    ROLE,
    all_of,
    drop_tags,
    entity_arn,
    find,
    require,
    write_tags,
)
from stratus.services.iam.managed import require_boundary
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.shapes import role_shape
from stratus.store.sqlite import Database, Row

DEFAULT_MAX_SESSION_DURATION = 3600
SERVICE_ROLE_PATH = "/aws-service-role/"


def check_modifiable(role: Row) -> Row:
    """Service-linked roles belong to their service: only it may change or delete them."""
    if role["path"].startswith(SERVICE_ROLE_PATH):
        raise UnmodifiableEntity(
            f"Cannot perform the operation on the protected role '{role['role_name']}' - "
            "this role is only modifiable by AWS"
        )
    return role


def insert_role(
    db: Database,
    ctx: RequestContext,
    *,
    name: str,
    path: str,
    trust_policy: str,
    description: str | None = None,
    max_session_duration: int | None = None,
    boundary: str | None = None,
    tags: Sequence[tuple[str, str]] = (),
) -> Row:
    """Insert a role (inside the caller's transaction) and return its row."""
    role_id = unique_id("role")
    db.execute(
        "INSERT INTO iam_roles (account_id, role_name, role_id, path, arn, create_date, trust_policy, "
        "description, max_session_duration, boundary_arn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ctx.account_id,
            name,
            role_id,
            path,
            entity_arn(ctx.partition, ctx.account_id, "role", path, name),
            IamMixin.now(ctx),
            trust_policy,
            description,
            max_session_duration or DEFAULT_MAX_SESSION_DURATION,
            boundary,
        ),
    )
    write_tags(db, ctx.account_id, "role", role_id, list(tags))
    return require(db, ROLE, ctx.account_id, name)


def role_dependents_message(db: Database, account_id: str, role_id: str) -> str | None:
    params = (account_id, role_id)
    checks = (
        (
            "SELECT 1 FROM iam_instance_profile_roles WHERE account_id = ? AND role_id = ?",
            "remove roles from instance profile",
        ),
        (
            "SELECT 1 FROM iam_attachments WHERE account_id = ? AND entity_type = 'role' AND entity_id = ?",
            "detach all policies",
        ),
        (
            "SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND entity_type = 'role' AND entity_id = ?",
            "delete policies",
        ),
    )
    for sql, what in checks:
        if db.query_one(sql + " LIMIT 1", params):
            return f"Cannot delete entity, must {what} first."
    return None


def remove_role(db: Database, account_id: str, role_id: str) -> None:
    """Delete a role and everything that hangs off it (inside the caller's transaction)."""
    params = (account_id, role_id)
    db.execute(
        "DELETE FROM iam_attachments WHERE account_id = ? AND entity_type = 'role' AND entity_id = ?", params
    )
    db.execute(
        "DELETE FROM iam_inline_policies WHERE account_id = ? AND entity_type = 'role' AND entity_id = ?",
        params,
    )
    db.execute("DELETE FROM iam_instance_profile_roles WHERE account_id = ? AND role_id = ?", params)
    db.execute("DELETE FROM iam_roles WHERE account_id = ? AND role_id = ?", params)
    drop_tags(db, account_id, "role", role_id)


class RoleOperations(IamMixin):
    def create_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = check_name(req["RoleName"], "roleName")
        path = validate_path(req.get("Path"))
        trust_policy = check_trust_policy(req["AssumeRolePolicyDocument"])
        tags = check_tags(req.get("Tags"))
        boundary = req.get("PermissionsBoundary")
        if boundary:
            require_boundary(db, ctx.account_id, boundary)
        if find(db, ROLE, ctx.account_id, name):
            raise EntityAlreadyExists(ROLE.exists.format(name=name))
        with db.transaction():
            row = insert_role(
                db,
                ctx,
                name=name,
                path=path,
                trust_policy=trust_policy,
                description=req.get("Description"),
                max_session_duration=req.get("MaxSessionDuration"),
                boundary=boundary,
                tags=tags,
            )
        self.changed()
        shape = role_shape(db, row)
        shape.pop("RoleLastUsed", None)  # CreateRole's answer has no RoleLastUsed
        return {"Role": shape}

    def get_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        return {"Role": role_shape(db, require(db, ROLE, ctx.account_id, req["RoleName"]))}

    def list_roles(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        rows = all_of(db, ROLE, ctx.account_id, req.get("PathPrefix"))
        return self.page([role_shape(db, row, full=False) for row in rows], req, "Roles")

    def update_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = check_modifiable(require(db, ROLE, ctx.account_id, req["RoleName"]))
        description = req.get("Description", role["description"])
        duration = req.get("MaxSessionDuration") or role["max_session_duration"]
        self._update(
            db, ctx.account_id, role, "description = ?, max_session_duration = ?", (description, duration)
        )
        return {}

    def update_role_description(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = check_modifiable(require(db, ROLE, ctx.account_id, req["RoleName"]))
        self._update(db, ctx.account_id, role, "description = ?", (req["Description"],))
        return {"Role": role_shape(db, require(db, ROLE, ctx.account_id, role["role_name"]))}

    def update_assume_role_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = check_modifiable(require(db, ROLE, ctx.account_id, req["RoleName"]))
        document = check_trust_policy(req["PolicyDocument"])
        self._update(db, ctx.account_id, role, "trust_policy = ?", (document,))
        return {}

    def delete_role(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = check_modifiable(require(db, ROLE, ctx.account_id, req["RoleName"]))
        conflict = role_dependents_message(db, ctx.account_id, role["role_id"])
        if conflict:
            raise DeleteConflict(conflict)
        with db.transaction():
            remove_role(db, ctx.account_id, role["role_id"])
        self.changed()
        return {}

    def _update(self, db: Database, account_id: str, role: Row, assignments: str, values: tuple) -> None:
        with db.transaction():
            db.execute(
                f"UPDATE iam_roles SET {assignments} WHERE account_id = ? AND role_id = ?",
                (*values, account_id, role["role_id"]),
            )
        self.changed()

    # -- tags ------------------------------------------------------------------------------

    def tag_role(self, ctx: RequestContext, req: dict) -> dict:
        return self.tag_entity(ctx, ROLE, req["RoleName"], req["Tags"])

    def untag_role(self, ctx: RequestContext, req: dict) -> dict:
        return self.untag_entity(ctx, ROLE, req["RoleName"], req["TagKeys"])

    def list_role_tags(self, ctx: RequestContext, req: dict) -> dict:
        return self.list_entity_tags(ctx, ROLE, req["RoleName"], req)

    # -- permissions boundary --------------------------------------------------------------

    def put_role_permissions_boundary(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = check_modifiable(require(db, ROLE, ctx.account_id, req["RoleName"]))
        arn = require_boundary(db, ctx.account_id, req["PermissionsBoundary"])
        self._update(db, ctx.account_id, role, "boundary_arn = ?", (arn,))
        return {}

    def delete_role_permissions_boundary(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        role = check_modifiable(require(db, ROLE, ctx.account_id, req["RoleName"]))
        self._update(db, ctx.account_id, role, "boundary_arn = NULL", ())
        return {}
