"""Parameter tags: AddTagsToResource, RemoveTagsFromResource, ListTagsForResource (ResourceType
Parameter, ResourceId the parameter's name), the tag checks PutParameter shares, and the IAM hook.
SsmProvider supplies `db`.
"""

from __future__ import annotations

import unicodedata

from stratus.core.context import RequestContext
from stratus.protocol.errors import NotImplementedFeature
from stratus.services.ssm.common import InvalidResourceId, Parameter, TooManyTagsError, ValidationException
from stratus.services.ssm.store import find_parameter
from stratus.store import Database

MAX_TAGS = 50
TAG_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
# The API reference's descriptions of these errors, used as their messages.
TOO_MANY_TAGS = (
    "The Targets parameter includes too many tags. Remove one or more tags and try the command again."
)
NO_RESOURCE = "The resource ID isn't valid. Verify that you entered the correct ID and try again."


def _tag_text_ok(text: str) -> bool:
    """Java's [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]: letters, separators, numbers and a few marks."""
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN" for char in text)


def _problem(value: str, where: str) -> str:
    return (
        f"Value '{value}' at '{where}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {TAG_PATTERN}"
    )


def _raise(problems: list[str]) -> None:
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))


def check_tags(tags: list[dict]) -> None:
    """The model's key and value patterns (the protocol layer checks lengths), as Coral words them."""
    problems = []
    for index, tag in enumerate(tags, 1):
        if not _tag_text_ok(tag["Key"]):
            problems.append(_problem(tag["Key"], f"tags.{index}.member.key"))
        if not _tag_text_ok(tag["Value"]):
            problems.append(_problem(tag["Value"], f"tags.{index}.member.value"))
    _raise(problems)


def read_tags(db: Database, parameter_id: int) -> dict[str, str]:
    rows = db.query("SELECT key, value FROM ssm_tags WHERE parameter_id = ? ORDER BY key", (parameter_id,))
    return {row["key"]: row["value"] for row in rows}


def tags_of(db: Database, parameter_ids: list[int]) -> dict[int, dict[str, str]]:
    """The tags of several parameters at once (for tag filters)."""
    if not parameter_ids:
        return {}
    marks = ", ".join("?" for _ in parameter_ids)
    rows = db.query(
        f"SELECT parameter_id, key, value FROM ssm_tags WHERE parameter_id IN ({marks})", parameter_ids
    )
    tags: dict[int, dict[str, str]] = {parameter_id: {} for parameter_id in parameter_ids}
    for row in rows:
        tags[row["parameter_id"]][row["key"]] = row["value"]
    return tags


def write_tags(db: Database, parameter_id: int, tags: list[dict]) -> None:
    """Add or replace tags; a parameter holds at most 50."""
    wanted = {tag["Key"]: tag["Value"] for tag in tags}
    if len(set(read_tags(db, parameter_id)) | set(wanted)) > MAX_TAGS:
        raise TooManyTagsError(TOO_MANY_TAGS)
    db.executemany(
        "INSERT INTO ssm_tags (parameter_id, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (parameter_id, key) DO UPDATE SET value = excluded.value",
        [(parameter_id, key, value) for key, value in wanted.items()],
    )


def _tagged_parameter(ctx: RequestContext, db: Database, req: dict) -> Parameter:
    if req["ResourceType"] != "Parameter":
        raise NotImplementedFeature(
            f"Stratus does not implement tags of SSM {req['ResourceType']} resources yet"
        )
    parameter = find_parameter(db, ctx.account_id, ctx.region, req["ResourceId"])
    if parameter is None:
        raise InvalidResourceId(NO_RESOURCE)
    return parameter


class TagOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def add_tags_to_resource(self, ctx: RequestContext, req: dict) -> dict:
        check_tags(req["Tags"])
        db = self.db()
        with db.transaction():
            parameter = _tagged_parameter(ctx, db, req)
            write_tags(db, parameter.parameter_id, req["Tags"])
        return {}

    def remove_tags_from_resource(self, ctx: RequestContext, req: dict) -> dict:
        _raise(
            [
                _problem(key, f"tagKeys.{index}.member")
                for index, key in enumerate(req["TagKeys"], 1)
                if not _tag_text_ok(key)
            ]
        )
        db = self.db()
        with db.transaction():
            parameter = _tagged_parameter(ctx, db, req)
            db.executemany(
                "DELETE FROM ssm_tags WHERE parameter_id = ? AND key = ?",
                [(parameter.parameter_id, key) for key in req["TagKeys"]],
            )
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        parameter = _tagged_parameter(ctx, db, req)
        tags = read_tags(db, parameter.parameter_id)
        return {"TagList": [{"Key": key, "Value": value} for key, value in tags.items()]}

    # -- IAM hook ----------------------------------------------------------------------------

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        """`arn:aws:ssm:<region>:<account>:parameter/a/b` names `/a/b` (or the flat name `a/b`)."""
        parts = resource_arn.split(":", 5)
        if len(parts) != 6 or not parts[5].startswith("parameter/"):
            return None
        region, account_id, relative = parts[3], parts[4], parts[5][len("parameter/") :]
        db = self.db()
        for name in (f"/{relative}", relative):
            parameter = find_parameter(db, account_id, region, name)
            if parameter is not None:
                return read_tags(db, parameter.parameter_id)
        return None
