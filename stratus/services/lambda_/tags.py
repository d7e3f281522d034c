"""TagResource, UntagResource, ListTags on functions and event source mappings (by ARN); code
signing configs keep the tags given at creation."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.lambda_ import esm_tags
from stratus.services.lambda_.function_store import put_tags, remove_tags, tags_of
from stratus.services.lambda_.functions import find_or_fail
from stratus.store import Database


class TagOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def tag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        if esm_tags.is_mapping_arn(req["Resource"]):
            esm_tags.tag_mapping(ctx, db, req["Resource"], req.get("Tags") or {})
            return {}
        function = find_or_fail(ctx, db, req["Resource"])
        with db.transaction():
            put_tags(db, function.function_id, req.get("Tags") or {})
        return {}

    def untag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        if esm_tags.is_mapping_arn(req["Resource"]):
            esm_tags.untag_mapping(ctx, db, req["Resource"], list(req.get("TagKeys") or []))
            return {}
        function = find_or_fail(ctx, db, req["Resource"])
        with db.transaction():
            remove_tags(db, function.function_id, list(req.get("TagKeys") or []))
        return {}

    def list_tags(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        if esm_tags.is_mapping_arn(req["Resource"]):
            return {"Tags": esm_tags.mapping_tags(ctx, db, req["Resource"])}
        function = find_or_fail(ctx, db, req["Resource"])
        return {"Tags": tags_of(db, function.function_id)}
