"""Bucket tagging: Put/Get/DeleteBucketTagging, and the tag rules S3 shares with object tags."""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.protocol.serializers.rest import HTTP_STATUS_KEY
from stratus.services.s3.common import s3_error
from stratus.services.s3.config_errors import InvalidTag, NoSuchTagSet
from stratus.services.s3.config_store import (
    TAGGING,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)

MAX_BUCKET_TAGS = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
# Letters, digits and spaces in any language, and + - = . _ : / @
TAG_TEXT = re.compile(r"^[\w\s+\-=.:/@]*$")


def check_tag_set(tags: list[dict], limit: int, what: str = "Bucket") -> list[dict]:
    """The tag set as S3 stores it, or InvalidTag with S3's message and the offending tag."""
    if len(tags) > limit:
        raise s3_error(InvalidTag, f"{what} tag count cannot be greater than {limit}")
    seen: set[str] = set()
    for tag in tags:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not TAG_TEXT.match(key):
            raise s3_error(InvalidTag, "The TagKey you have provided is invalid", TagKey=key)
        if key.lower().startswith("aws:"):
            message = "System tags cannot be added/updated by requester"
            if what != "Bucket":
                message = "Your TagKey cannot be prefixed with aws:"
            raise s3_error(InvalidTag, message, TagKey=key)
        if len(value) > MAX_VALUE_LENGTH or not TAG_TEXT.match(value):
            raise s3_error(
                InvalidTag, "The TagValue you have provided is invalid", TagKey=key, TagValue=value
            )
        if key in seen:
            raise s3_error(InvalidTag, "Cannot provide multiple Tags with the same key", TagKey=key)
        seen.add(key)
    return [{"Key": tag.get("Key", ""), "Value": tag.get("Value", "")} for tag in tags]


def bucket_tags(db, bucket: str) -> dict[str, str]:
    """The bucket's tags as a mapping (for `aws:ResourceTag/*` conditions and cost reports)."""
    stored = read_config(db, bucket, TAGGING) or []
    return {tag["Key"]: tag["Value"] for tag in stored}


class TaggingOperations(ConfigOperationsBase):
    def put_bucket_tagging(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        tags = check_tag_set(req["Tagging"].get("TagSet") or [], MAX_BUCKET_TAGS)
        db = self.db()
        with db.transaction():
            if tags:
                write_config(db, bucket.name, TAGGING, tags)
            else:
                delete_config(db, bucket.name, TAGGING)
        return {HTTP_STATUS_KEY: 204}

    def get_bucket_tagging(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        tags = read_config(self.db(), bucket.name, TAGGING)
        if not tags:
            raise s3_error(NoSuchTagSet, BucketName=bucket.name)
        return {"TagSet": tags}

    def delete_bucket_tagging(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, TAGGING)
        return {}
