"""Attaching managed policies to users, groups and roles (Attach/Detach/ListAttached*Policies)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_policy_arn
from stratus.services.iam.common import LimitExceeded, NoSuchEntity
from stratus.services.iam.entities import GROUP, ROLE, USER, EntityKind, require
from stratus.services.iam.managed import attached_arns, attached_policies, require_attachable
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.roles import check_modifiable

# Managed policies per user, group or role (the default quota; AWS lets accounts raise it).
ATTACHED_POLICIES_QUOTA = 10
_QUOTA_NAMES = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}


class AttachmentOperations(IamMixin):
    def _attach(self, ctx: RequestContext, kind: EntityKind, name: str, arn: str) -> dict:
        db = self.db()
        entity = require(db, kind, ctx.account_id, name)
        if kind is ROLE:
            check_modifiable(entity)
        policy = require_attachable(db, ctx.account_id, check_policy_arn(arn))
        current = attached_arns(db, ctx.account_id, kind.kind, entity[kind.id_column])
        if policy.arn in current:
            return {}  # attaching twice changes nothing, as in AWS
        if len(current) >= ATTACHED_POLICIES_QUOTA:
            raise LimitExceeded(
                f"Cannot exceed quota for {_QUOTA_NAMES[kind.kind]}: {ATTACHED_POLICIES_QUOTA}"
            )
        with db.transaction():
            db.execute(
                "INSERT INTO iam_attachments (account_id, entity_type, entity_id, policy_arn, attached_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (ctx.account_id, kind.kind, entity[kind.id_column], policy.arn, self.now(ctx)),
            )
        self.changed()
        return {}

    def _detach(self, ctx: RequestContext, kind: EntityKind, name: str, arn: str) -> dict:
        db = self.db()
        entity = require(db, kind, ctx.account_id, name)
        if kind is ROLE:
            check_modifiable(entity)
        with db.transaction():
            removed = db.execute(
                "DELETE FROM iam_attachments WHERE account_id = ? AND entity_type = ? AND entity_id = ? "
                "AND policy_arn = ?",
                (ctx.account_id, kind.kind, entity[kind.id_column], arn),
            ).rowcount
        if not removed:
            raise NoSuchEntity(f"Policy {arn} was not found.")
        self.changed()
        return {}

    def _list_attached(self, ctx: RequestContext, kind: EntityKind, req: dict, name_member: str) -> dict:
        db = self.db()
        entity = require(db, kind, ctx.account_id, req[name_member])
        attached = attached_policies(
            db, ctx.account_id, kind.kind, entity[kind.id_column], req.get("PathPrefix")
        )
        return self.page(attached, req, "AttachedPolicies")

    def attach_user_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._attach(ctx, USER, req["UserName"], req["PolicyArn"])

    def attach_group_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._attach(ctx, GROUP, req["GroupName"], req["PolicyArn"])

    def attach_role_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._attach(ctx, ROLE, req["RoleName"], req["PolicyArn"])

    def detach_user_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._detach(ctx, USER, req["UserName"], req["PolicyArn"])

    def detach_group_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._detach(ctx, GROUP, req["GroupName"], req["PolicyArn"])

    def detach_role_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._detach(ctx, ROLE, req["RoleName"], req["PolicyArn"])

    def list_attached_user_policies(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_attached(ctx, USER, req, "UserName")

    def list_attached_group_policies(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_attached(ctx, GROUP, req, "GroupName")

    def list_attached_role_policies(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_attached(ctx, ROLE, req, "RoleName")
