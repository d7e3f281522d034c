"""Log group tags: TagLogGroup/UntagLogGroup/ListTagsLogGroup (deprecated, by name) and
TagResource/UntagResource/ListTagsForResource (by the ARN without `:*`), plus the IAM hook.

LogsProvider supplies `db`.
"""

from __future__ import annotations

import unicodedata

from stratus.core.context import RequestContext
from stratus.services.logs.common import (
    NO_GROUP,
    InvalidParameterException,
    LogGroup,
    ResourceNotFoundException,
    TooManyTagsException,
)
from stratus.services.logs.group_store import find_group, parse_group_arn, read_tags, require_group
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.store import Database

MAX_TAGS = 50
KEY_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$"
VALUE_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
# Guessed wordings (AWS does not document them).
TOO_MANY_TAGS = f"A resource can have no more than {MAX_TAGS} tags."
RESERVED_PREFIX = "Tag keys prefixed with 'aws:' are reserved for AWS use."
BAD_RESOURCE_ARN = "The specified resource ARN is not valid."


def _tag_text_ok(text: str) -> bool:
    """Java's [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]: letters, separators, numbers and a few marks."""
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN" for char in text)


def _pattern_problem(where: str, value: str, pattern: str) -> str:
    return (
        f"Value '{value}' at '{where}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )


def _raise(problems: list[str]) -> None:
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise InvalidParameterException(f"{len(problems)} validation {noun} detected: " + "; ".join(problems))


def check_tags(tags: dict[str, str]) -> None:
    """The model's key and value patterns (Coral wording: one violation for the whole map)."""
    shown = "{" + ", ".join(f"{key}={value}" for key, value in tags.items()) + "}"
    problems = [
        f"Value '{shown}' at 'tags' failed to satisfy constraint: Map {part} must satisfy constraint: "
        f"[Member must satisfy regular expression pattern: {pattern}]"
        for part, pattern, texts in (("keys", KEY_PATTERN, tags), ("value", VALUE_PATTERN, tags.values()))
        if not all(_tag_text_ok(text) for text in texts)
    ]
    _raise(problems)
    if any(key.lower().startswith("aws:") for key in tags):
        raise InvalidParameterException(RESERVED_PREFIX)


def _check_keys(keys: list[str], member: str) -> None:
    _raise(
        [
            _pattern_problem(f"{member}.{index}.member", key, KEY_PATTERN)
            for index, key in enumerate(keys, 1)
            if not _tag_text_ok(key)
        ]
    )


def write_tags(db: Database, group: LogGroup, tags: dict[str, str], *, by_arn: bool = False) -> None:
    """Add or replace tags. Past 50, TagResource answers TooManyTagsException, the older
    TagLogGroup InvalidParameterException."""
    group_id = group.group_id
    if len(set(read_tags(db, group_id)) | set(tags)) > MAX_TAGS:
        if by_arn:
            raise TooManyTagsException(TOO_MANY_TAGS, resourceName=group.arn)
        raise InvalidParameterException(TOO_MANY_TAGS)
    db.executemany(
        "INSERT INTO logs_group_tags (group_id, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (group_id, key) DO UPDATE SET value = excluded.value",
        [(group_id, key, value) for key, value in tags.items()],
    )


def _remove_tags(db: Database, group_id: int, keys: list[str]) -> None:
    db.executemany(
        "DELETE FROM logs_group_tags WHERE group_id = ? AND key = ?", [(group_id, key) for key in keys]
    )


def _group_by_arn(ctx: RequestContext, db: Database, arn: str) -> LogGroup:
    """The log group a tagging ARN names. Destinations (the other taggable resource) are not served."""
    parsed = parse_group_arn(arn)
    if parsed is None:
        if arn.startswith("arn:") and ":logs:" in arn and ":destination:" in arn:
            raise ResourceNotFoundException("The specified destination does not exist.")
        raise InvalidParameterException(BAD_RESOURCE_ARN)
    region, account_id, name = parsed
    group = (
        find_group(db, account_id, region, name)
        if (region, account_id) == (ctx.region, ctx.account_id)
        else None
    )
    if group is None:
        raise ResourceNotFoundException(NO_GROUP)
    return group


class TagOperations:
    def db(self) -> Database:
        raise NotImplementedError

    # -- by name (deprecated API, still answered) --------------------------------------------

    def tag_log_group(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        check_tags(req["tags"])
        db = self.db()
        group = require_group(ctx, db, req["logGroupName"])
        with db.transaction():
            write_tags(db, group, req["tags"])
        return {}

    def untag_log_group(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        _check_keys(req["tags"], "tags")
        db = self.db()
        group = require_group(ctx, db, req["logGroupName"])
        with db.transaction():
            _remove_tags(db, group.group_id, req["tags"])
        return {}

    def list_tags_log_group(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        group = require_group(ctx, db, req["logGroupName"])
        return {"tags": read_tags(db, group.group_id)}

    # -- by ARN ------------------------------------------------------------------------------

    def tag_resource(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        check_tags(req["tags"])
        db = self.db()
        group = _group_by_arn(ctx, db, req["resourceArn"])
        with db.transaction():
            write_tags(db, group, req["tags"], by_arn=True)
        return {}

    def untag_resource(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        _check_keys(req["tagKeys"], "tagKeys")
        db = self.db()
        group = _group_by_arn(ctx, db, req["resourceArn"])
        with db.transaction():
            _remove_tags(db, group.group_id, req["tagKeys"])
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        group = _group_by_arn(ctx, db, req["resourceArn"])
        return {"tags": read_tags(db, group.group_id)}

    # -- IAM hook ----------------------------------------------------------------------------

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        parsed = parse_group_arn(resource_arn.split(":log-stream:", 1)[0])
        if parsed is None:
            return None
        db = self.db()
        group = find_group(db, parsed[1], parsed[0], parsed[2])
        return read_tags(db, group.group_id) if group is not None else None
