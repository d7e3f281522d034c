"""Tags on customer managed keys: TagResource, UntagResource, ListResourceTags, and CreateKey's."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.kms.common import LimitExceededException, TagException
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.paging import page
from stratus.services.kms.policies import refuse_aws_managed
from stratus.services.kms.states import require_not_pending_deletion
from stratus.services.kms.store import read_tags, remove_tags, write_tags

MAX_TAGS = 50  # the tags-per-key quota
RESERVED_PREFIX = "aws:"
RESERVED = "Tags beginning with aws: are reserved and cannot be used."  # guessed
TOO_MANY = "Cannot add more than 50 tags to a KMS key."  # guessed
DUPLICATE = "Duplicate tag keys are not allowed: {key}"  # guessed


def tags_from_request(tag_list: list[dict] | None) -> dict[str, str]:
    """The request's Tags as a dict, after AWS's checks on their keys."""
    tags: dict[str, str] = {}
    for tag in tag_list or ():
        key = tag["TagKey"]
        if key.lower().startswith(RESERVED_PREFIX):
            raise TagException(RESERVED)
        if key in tags and tags[key] != tag["TagValue"]:
            raise TagException(DUPLICATE.format(key=key))
        tags[key] = tag["TagValue"]
    if len(tags) > MAX_TAGS:
        raise LimitExceededException(TOO_MANY)
    return tags


def as_tag_list(tags: dict[str, str]) -> list[dict]:
    return [{"TagKey": k, "TagValue": v} for k, v in tags.items()]


class TagOperations(KeyRing):
    def tag_resource(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:TagResource")
        require_not_pending_deletion(key)
        tags = tags_from_request(req["Tags"])
        db = self.db()
        with db.transaction():
            if len(set(read_tags(db, key)) | set(tags)) > MAX_TAGS:
                raise LimitExceededException(TOO_MANY)
            write_tags(db, key, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:UntagResource")
        require_not_pending_deletion(key)
        db = self.db()
        with db.transaction():
            remove_tags(db, key, req["TagKeys"])
        return {}

    def list_resource_tags(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        tags = as_tag_list(read_tags(self.db(), key))
        chosen, more = page(tags, req, lambda tag: tag["TagKey"], default=50, maximum=50)
        return {"Tags": chosen, **more}
