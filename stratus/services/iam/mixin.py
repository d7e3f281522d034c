"""What every IAM operation mixin relies on; IamProvider supplies the real `db` and `changed`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stratus.core.context import RequestContext
from stratus.services.iam.common import paginate
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
