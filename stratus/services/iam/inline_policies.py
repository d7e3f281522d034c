"""Inline policies embedded in users, groups and roles (Put/Get/Delete/List*Policy/Policies)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_document, check_inline_total, check_name, policy_size
from stratus.services.iam.common import NoSuchEntity, encode_document
from stratus.services.iam.entities import GROUP, ROLE, USER, EntityKind, require
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.roles import check_modifiable
from stratus.store.sqlite import Database, Row

_NAME_MEMBERS = {"user": "UserName", "group": "GroupName", "role": "RoleName"}


def inline_policies(db: Database, account_id: str, kind: str, entity_id: str) -> list[Row]:
    """`policy_name`, `document` of each inline policy of one entity, by name."""
    return db.query(
        "SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ? AND entity_type = ? "
        "AND entity_id = ? ORDER BY policy_name",
        (account_id, kind, entity_id),
    )


def _not_found(kind: str, policy_name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The {kind} policy with name {policy_name} cannot be found.")


class InlinePolicyOperations(IamMixin):
    def _entity(self, ctx: RequestContext, kind: EntityKind, req: dict, *, changing: bool) -> Row:
        entity = require(self.db(), kind, ctx.account_id, req[_NAME_MEMBERS[kind.kind]])
        if changing and kind is ROLE:
            check_modifiable(entity)
        return entity

    def _put(self, ctx: RequestContext, kind: EntityKind, req: dict) -> dict:
        db = self.db()
        entity = self._entity(ctx, kind, req, changing=True)
        entity_id = entity[kind.id_column]
        name = check_name(req["PolicyName"], "policyName")
        document = check_document(req["PolicyDocument"])
        others = [
            row
            for row in inline_policies(db, ctx.account_id, kind.kind, entity_id)
            if row["policy_name"].lower() != name.lower()
        ]
        total = policy_size(document) + sum(policy_size(row["document"]) for row in others)
        check_inline_total(kind.kind, entity[kind.name_column], total)
        with db.transaction():
            db.execute(
                "INSERT INTO iam_inline_policies (account_id, entity_type, entity_id, policy_name, document) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, entity_type, entity_id, policy_name) "
                "DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document",
                (ctx.account_id, kind.kind, entity_id, name, document),
            )
        self.changed()
        return {}

    def _get(self, ctx: RequestContext, kind: EntityKind, req: dict) -> dict:
        db = self.db()
        entity = self._entity(ctx, kind, req, changing=False)
        row = db.query_one(
            "SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ? AND entity_type = ? "
            "AND entity_id = ? AND policy_name = ?",
            (ctx.account_id, kind.kind, entity[kind.id_column], req["PolicyName"]),
        )
        if row is None:
            raise _not_found(kind.kind, req["PolicyName"])
        return {
            _NAME_MEMBERS[kind.kind]: entity[kind.name_column],
            "PolicyName": row["policy_name"],
            "PolicyDocument": encode_document(row["document"]),
        }

    def _delete(self, ctx: RequestContext, kind: EntityKind, req: dict) -> dict:
        db = self.db()
        entity = self._entity(ctx, kind, req, changing=True)
        with db.transaction():
            removed = db.execute(
                "DELETE FROM iam_inline_policies WHERE account_id = ? AND entity_type = ? AND entity_id = ? "
                "AND policy_name = ?",
                (ctx.account_id, kind.kind, entity[kind.id_column], req["PolicyName"]),
            ).rowcount
        if not removed:
            raise _not_found(kind.kind, req["PolicyName"])
        self.changed()
        return {}

    def _list(self, ctx: RequestContext, kind: EntityKind, req: dict) -> dict:
        db = self.db()
        entity = self._entity(ctx, kind, req, changing=False)
        names = [
            row["policy_name"]
            for row in inline_policies(db, ctx.account_id, kind.kind, entity[kind.id_column])
        ]
        return self.page(names, req, "PolicyNames")

    def put_user_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._put(ctx, USER, req)

    def put_group_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._put(ctx, GROUP, req)

    def put_role_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._put(ctx, ROLE, req)

    def get_user_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._get(ctx, USER, req)

    def get_group_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._get(ctx, GROUP, req)

    def get_role_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._get(ctx, ROLE, req)

    def delete_user_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete(ctx, USER, req)

    def delete_group_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete(ctx, GROUP, req)

    def delete_role_policy(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete(ctx, ROLE, req)

    def list_user_policies(self, ctx: RequestContext, req: dict) -> dict:
        return self._list(ctx, USER, req)

    def list_group_policies(self, ctx: RequestContext, req: dict) -> dict:
        return self._list(ctx, GROUP, req)

    def list_role_policies(self, ctx: RequestContext, req: dict) -> dict:
        return self._list(ctx, ROLE, req)
