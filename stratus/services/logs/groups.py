"""Log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, ListLogGroups and deletion
protection. LogsProvider supplies `db`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stratus.core.context import RequestContext
from stratus.services.logs.common import (
    GROUP_EXISTS,
    InvalidParameterException,
    LogGroup,
    ResourceAlreadyExistsException,
    ValidationException,
    now_ms,
)
from stratus.services.logs.group_store import (
    find_group,
    group_by_identifier,
    group_from_row,
    insert_group,
    parse_group_arn,
    read_tags,
    require_group,
)
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.services.logs.paging import decode_token, encode_token
from stratus.services.logs.tags import check_tags, write_tags
from stratus.store import Database

DEFAULT_LIMIT = 50
SCAN_CHUNK = 500
# Documented: "Log group names can't start with the string aws/"; the wording is guessed.
RESERVED_NAME_PREFIX = "aws/"
RESERVED_NAME = "Log group names can't start with the string aws/"
PROTECTED = "Cannot delete log group with deletion protection enabled. Disable deletion protection first."
PREFIX_AND_PATTERN = "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
IDENTIFIERS_AND_FILTERS = (  # guessed
    "logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern."
)
# Every character a group name may hold sorts below this one, so [prefix, prefix + it) is the range
# of names starting with prefix.
_ABOVE_NAMES = "\U0010ffff"
# Log events in DELIVERY-class groups are documented as kept for one day.
DELIVERY_RETENTION_DAYS = 1


def _groups_in_order(
    db: Database, ctx: RequestContext, after: str | None, prefix: str | None
) -> Iterator[LogGroup]:
    """The caller's groups in ASCII order of name, after `after`, read in chunks."""
    low = prefix or ""
    high = (prefix + _ABOVE_NAMES) if prefix else None
    while True:
        sql = "SELECT * FROM logs_groups WHERE account_id = ? AND region = ? AND name >= ?"
        params: list = [ctx.account_id, ctx.region, low]
        if after is not None:
            sql += " AND name > ?"
            params.append(after)
        if high is not None:
            sql += " AND name < ?"
            params.append(high)
        rows = db.query(sql + " ORDER BY name LIMIT ?", (*params, SCAN_CHUNK))
        for row in rows:
            yield group_from_row(row)
        if len(rows) < SCAN_CHUNK:
            return
        after = rows[-1]["name"]


def _page(
    db: Database, ctx: RequestContext, req: dict, keep: Callable[[LogGroup], bool], prefix: str | None = None
) -> tuple[list[LogGroup], str | None]:
    limit = req.get("limit") or DEFAULT_LIMIT
    position = decode_token(req.get("nextToken"), "after")
    after = position["after"] if position else None
    page: list[LogGroup] = []
    for group in _groups_in_order(db, ctx, after, prefix):
        if not keep(group):
            continue
        if len(page) == limit:
            return page, encode_token({"after": page[-1].name})
        page.append(group)
    return page, None


def _stored_bytes(db: Database, groups: list[LogGroup]) -> dict[int, int]:
    if not groups:
        return {}
    marks = ", ".join("?" for _ in groups)
    rows = db.query(
        f"SELECT group_id, SUM(stored_bytes) AS stored FROM logs_streams WHERE group_id IN ({marks}) "
        "GROUP BY group_id",
        [group.group_id for group in groups],
    )
    return {row["group_id"]: row["stored"] or 0 for row in rows}


def describe_group(group: LogGroup, stored_bytes: int) -> dict:
    out: dict = {
        "logGroupName": group.name,
        "creationTime": group.created_ms,
        "metricFilterCount": 0,
        "arn": f"{group.arn}:*",
        "storedBytes": stored_bytes,
        "logGroupClass": group.group_class,
        "logGroupArn": group.arn,
        "deletionProtectionEnabled": group.deletion_protection,
    }
    if group.retention_days is not None:
        out["retentionInDays"] = group.retention_days
    if group.kms_key_id is not None:
        out["kmsKeyId"] = group.kms_key_id
    return out


def _identifier_names(ctx: RequestContext, identifiers: list[str]) -> set[str]:
    names = set()
    for identifier in identifiers:
        if identifier.startswith("arn:"):
            parsed = parse_group_arn(identifier)
            if parsed is not None and (parsed[0], parsed[1]) == (ctx.region, ctx.account_id):
                names.add(parsed[2])
        else:
            names.add(identifier)
    return names


def _name_regex(pattern: str) -> re.Pattern:
    """ListLogGroups' logGroupNamePattern: up to five `|`-separated regular expressions, each a
    substring match unless anchored with `^`."""
    try:
        return re.compile(pattern)
    except re.error:
        raise InvalidParameterException(f"Invalid logGroupNamePattern: {pattern}") from None  # guessed


def _tag_filter(filters: list[dict]) -> Callable[[dict[str, str]], bool]:
    def matches(tags: dict[str, str]) -> bool:
        for tag_filter in filters:
            value = tags.get(tag_filter["key"])
            if value is None:
                return False
            wanted = tag_filter.get("values")
            if wanted and value not in wanted:
                return False
        return True

    return matches


class GroupOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def create_log_group(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        name = req["logGroupName"]
        if name.startswith(RESERVED_NAME_PREFIX):
            raise InvalidParameterException(RESERVED_NAME)
        tags = req.get("tags") or {}
        check_tags(tags)
        group_class = req.get("logGroupClass") or "STANDARD"
        db = self.db()
        with db.transaction():
            if find_group(db, ctx.account_id, ctx.region, name) is not None:
                raise ResourceAlreadyExistsException(GROUP_EXISTS)
            insert_group(
                db,
                ctx.account_id,
                ctx.region,
                name,
                now_ms(ctx),
                group_class=group_class,
                retention_days=DELIVERY_RETENTION_DAYS if group_class == "DELIVERY" else None,
                kms_key_id=req.get("kmsKeyId"),
                deletion_protection=bool(req.get("deletionProtectionEnabled")),
            )
            if tags:
                write_tags(db, require_group(ctx, db, name), tags)
        return {}

    def delete_log_group(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        with db.transaction():
            group = require_group(ctx, db, req["logGroupName"])
            if group.deletion_protection:
                raise ValidationException(PROTECTED)
            db.execute("DELETE FROM logs_group_tags WHERE group_id = ?", (group.group_id,))
            db.execute("DELETE FROM logs_streams WHERE group_id = ?", (group.group_id,))
            db.execute("DELETE FROM logs_groups WHERE group_id = ?", (group.group_id,))
            # Its events may be many: the background sweep removes them in batches.
            db.execute("INSERT INTO logs_purges (kind, id) VALUES ('group', ?)", (group.group_id,))
        return {}

    def describe_log_groups(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        prefix, pattern = req.get("logGroupNamePrefix"), req.get("logGroupNamePattern")
        if prefix is not None and pattern is not None:
            raise InvalidParameterException(PREFIX_AND_PATTERN)
        identifiers = req.get("logGroupIdentifiers")
        if identifiers is not None and (prefix is not None or pattern is not None):
            raise InvalidParameterException(IDENTIFIERS_AND_FILTERS)
        wanted = _identifier_names(ctx, identifiers) if identifiers is not None else None
        group_class = req.get("logGroupClass")

        def keep(group: LogGroup) -> bool:
            return (
                (wanted is None or group.name in wanted)
                and (pattern is None or pattern in group.name)  # case-sensitive substring
                and (group_class is None or group.group_class == group_class)
            )

        db = self.db()
        page, token = _page(db, ctx, req, keep, prefix)
        stored = _stored_bytes(db, page)
        described = []
        for group in page:
            full = describe_group(group, stored.get(group.group_id, 0))
            if pattern is not None:
                # Documented: with a pattern, only arn, creationTime and logGroupName are returned.
                full = {key: full[key] for key in ("logGroupName", "creationTime", "arn")}
            described.append(full)
        out: dict = {"logGroups": described}
        if token is not None:
            out["nextToken"] = token
        return out

    def list_log_groups(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        regex = _name_regex(req["logGroupNamePattern"]) if req.get("logGroupNamePattern") else None
        group_class = req.get("logGroupClass")
        tag_filters = req.get("logGroupTags")
        tags_match = _tag_filter(tag_filters) if tag_filters else None
        # No Stratus log group has data sources or field indexes: filters on them match nothing.
        nothing = bool(req.get("dataSources")) or bool(req.get("fieldIndexNames"))
        db = self.db()

        def keep(group: LogGroup) -> bool:
            return (
                not nothing
                and (regex is None or regex.search(group.name) is not None)
                and (group_class is None or group.group_class == group_class)
                and (tags_match is None or tags_match(read_tags(db, group.group_id)))
            )

        page, token = _page(db, ctx, req, keep)
        out: dict = {
            "logGroups": [
                {"logGroupName": g.name, "logGroupArn": g.arn, "logGroupClass": g.group_class} for g in page
            ]
        }
        if token is not None:
            out["nextToken"] = token
        return out

    def put_log_group_deletion_protection(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        with db.transaction():
            group = group_by_identifier(ctx, db, req["logGroupIdentifier"])
            db.execute(
                "UPDATE logs_groups SET deletion_protection = ? WHERE group_id = ?",
                (int(bool(req["deletionProtectionEnabled"])), group.group_id),
            )
        return {}
