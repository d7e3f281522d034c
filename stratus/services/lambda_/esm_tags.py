"""Tags on event source mappings (`arn:aws:lambda:<region>:<account>:event-source-mapping:<uuid>`):
TagResource, UntagResource and ListTags take these ARNs as well as functions'. The tags are kept in
the mapping's config (`_tags`); CreateEventSourceMapping's Tags land there too."""

from __future__ import annotations

import json
import re

from stratus.core.context import RequestContext
from stratus.services.lambda_.common import ResourceNotFound
from stratus.services.lambda_.esm_store import Mapping, find_in_account
from stratus.store import Database

_MAPPING_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):event-source-mapping:(?P<uuid>[0-9a-fA-F-]{36})"
)
NOT_FOUND = "The resource you requested does not exist."


def is_mapping_arn(arn: str) -> bool:
    return _MAPPING_ARN.fullmatch(arn or "") is not None


def _find(ctx: RequestContext, db: Database, arn: str) -> Mapping:
    match = _MAPPING_ARN.fullmatch(arn)
    mapping = None
    if match is not None and match["account"] == ctx.account_id and match["region"] == ctx.region:
        mapping = find_in_account(db, ctx.account_id, ctx.region, match["uuid"].lower())
    if mapping is None:
        raise ResourceNotFound(NOT_FOUND)
    return mapping


def mapping_tags(ctx: RequestContext, db: Database, arn: str) -> dict[str, str]:
    return dict(_find(ctx, db, arn).config.get("_tags") or {})


def tag_mapping(ctx: RequestContext, db: Database, arn: str, tags: dict[str, str]) -> None:
    with db.transaction():
        mapping = _find(ctx, db, arn)
        _write(db, mapping, {**(mapping.config.get("_tags") or {}), **tags})


def untag_mapping(ctx: RequestContext, db: Database, arn: str, keys: list[str]) -> None:
    with db.transaction():
        mapping = _find(ctx, db, arn)
        kept = {k: v for k, v in (mapping.config.get("_tags") or {}).items() if k not in set(keys)}
        _write(db, mapping, kept)


def _write(db: Database, mapping: Mapping, tags: dict[str, str]) -> None:
    config = {**mapping.config, "_tags": tags}
    db.execute(
        "UPDATE lambda_event_source_mappings SET config = ? WHERE uuid = ?",
        (json.dumps(config), mapping.uuid),
    )
