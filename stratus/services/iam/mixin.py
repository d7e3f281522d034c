"""What every IAM operation mixin relies on; IamProvider supplies the real `db` and `changed`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stratus.core.context import RequestContext
from stratus.services.iam.checks import check_tag_keys, check_tags
from stratus.services.iam.common import paginate
from stratus.services.iam.entities import EntityKind, read_tags, remove_tags, require, write_tags
from stratus.services.iam.store import to_text
from stratus.store.sqlite import Database


class IamMixin:
    def db(self) -> Database:  # pragma: no cover - IamProvider overrides it
        raise NotImplementedError

    def changed(self) -> None:  # pragma: no cover - IamProvider overrides it
        raise NotImplementedError

    @staticmethod
    def now(ctx: RequestContext) -> str:
        """The emulated clock as stored in the database."""
        return to_text(ctx.time)

    @staticmethod
    def page(items: Sequence[Any], req: dict, member: str) -> dict:
        """`{member: [...], "IsTruncated": ..., "Marker"?: ...}` for one page of a List operation."""
        result = paginate(items, req.get("Marker"), req.get("MaxItems"))
        output = {member: result["page"], "IsTruncated": result["IsTruncated"]}
        if "Marker" in result:
            output["Marker"] = result["Marker"]
        return output

    # Tagging is the same for users, roles and instance profiles: one implementation serves all three.

    def tag_entity(self, ctx: RequestContext, kind: EntityKind, name: str, tags: list[dict]) -> dict:
        db = self.db()
        entity = require(db, kind, ctx.account_id, name)
        pairs = check_tags(tags)
        with db.transaction():
            write_tags(db, ctx.account_id, kind.kind, entity[kind.id_column], pairs)
        self.changed()
        return {}

    def untag_entity(self, ctx: RequestContext, kind: EntityKind, name: str, keys: list[str]) -> dict:
        db = self.db()
        entity = require(db, kind, ctx.account_id, name)
        with db.transaction():
            remove_tags(db, ctx.account_id, kind.kind, entity[kind.id_column], check_tag_keys(keys))
        self.changed()
        return {}

    def list_entity_tags(self, ctx: RequestContext, kind: EntityKind, name: str, req: dict) -> dict:
        db = self.db()
        entity = require(db, kind, ctx.account_id, name)
        return self.page(read_tags(db, ctx.account_id, kind.kind, entity[kind.id_column]), req, "Tags")
