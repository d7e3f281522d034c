"""Table tags: TagResource, UntagResource, ListTagsOfResource (tables named by their ARN)."""

from __future__ import annotations

from collections.abc import Iterable

from stratus.core.context import RequestContext
from stratus.services.dynamodb.common import ResourceNotFoundException, ValidationException
from stratus.services.dynamodb.table_store import Table, find_table
from stratus.store import Database

MAX_TAGS = 50
PAGE_SIZE = 100


def check_tags(tags: Iterable[dict]) -> None:
    for tag in tags:
        if tag["Key"].startswith("aws:"):
            raise ValidationException(
                "One or more parameter values were invalid: Tag keys cannot start with 'aws:'"
            )


def write_tags(db: Database, table_id: int, tags: dict[str, str]) -> None:
    db.executemany(
        "INSERT INTO ddb_tags (table_id, key, value) VALUES (?, ?, ?)"
        " ON CONFLICT (table_id, key) DO UPDATE SET value = excluded.value",
        [(table_id, key, value) for key, value in tags.items()],
    )


def table_tags(db: Database, table_id: int) -> dict[str, str]:
    rows = db.query("SELECT key, value FROM ddb_tags WHERE table_id = ? ORDER BY key", (table_id,))
    return {row["key"]: row["value"] for row in rows}


class TagOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def _tagged_table(self, ctx: RequestContext, arn: str) -> Table:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
            raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        name = parts[5][len("table/") :]
        table = None if "/" in name else find_table(self.db(), parts[4], parts[3], name)
        if table is None or parts[4] != ctx.account_id:
            raise ResourceNotFoundException(f"Requested resource not found: ResourcArn: {arn} not found")
        return table

    def tag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = self._tagged_table(ctx, req["ResourceArn"])
        check_tags(req["Tags"])
        given = {tag["Key"]: tag["Value"] for tag in req["Tags"]}
        with db.transaction():
            current = table_tags(db, table.table_id)
            if len({**current, **given}) > MAX_TAGS:
                raise ValidationException("One or more parameter values were invalid: Too many tags")
            write_tags(db, table.table_id, given)
        return {}

    def untag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = self._tagged_table(ctx, req["ResourceArn"])
        db.executemany(
            "DELETE FROM ddb_tags WHERE table_id = ? AND key = ?",
            [(table.table_id, key) for key in req["TagKeys"]],
        )
        return {}

    def list_tags_of_resource(self, ctx: RequestContext, req: dict) -> dict:
        table = self._tagged_table(ctx, req["ResourceArn"])
        tags = list(table_tags(self.db(), table.table_id).items())
        start = int(req["NextToken"]) if str(req.get("NextToken") or "").isdigit() else 0
        page = tags[start : start + PAGE_SIZE]
        result: dict = {"Tags": [{"Key": key, "Value": value} for key, value in page]}
        if start + PAGE_SIZE < len(tags):
            result["NextToken"] = str(start + PAGE_SIZE)
        return result

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        try:
            table = self._tagged_table(ctx, resource_arn.split("/index/", 1)[0].split("/stream/", 1)[0])
        except (ValidationException, ResourceNotFoundException):
            return None
        return table_tags(self.db(), table.table_id)
