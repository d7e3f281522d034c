"""Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject and object
tags, with versioning, conditional requests, ranges and checksums."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import formatdate
from urllib.parse import parse_qs, unquote

from stratus.core.context import RequestContext
from stratus.protocol.serializers.rest import HTTP_STATUS_KEY
from stratus.services.s3 import encryption, kms_encryption, object_store
from stratus.services.s3.bodies import OFFLOAD_ABOVE_BYTES, StoredBody, copy_body, open_body, store_body
from stratus.services.s3.bucket_store import Bucket, require_bucket
from stratus.services.s3.common import (
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchVersion,
    PreconditionFailed,
    S3Error,
    _error,
    s3_error,
)
from stratus.services.s3.object_acl import requested_acl
from stratus.services.s3.object_lock import (
    check_version_deletable,
    lock_fields,
    requested_lock,
    require_body_checksum,
)
from stratus.services.s3.object_store import NULL_VERSION, VERSION_ID, NewVersion, ObjectVersion
from stratus.services.s3.preconditions import check_read_conditions, parse_range
from stratus.services.s3.restore import check_copy_source, check_readable, restore_fields
from stratus.store import Database

MetadataTooLarge = _error(
    "MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."
)
MAX_METADATA_BYTES = 2048
KeyTooLong = _error("KeyTooLongError", 400, "Your key is too long")
InvalidTag = _error("InvalidTag", 400, "The TagValue you have provided is invalid")
InvalidStorageClass = _error("InvalidStorageClass", 400, "The storage class you specified is not valid")

HEADER_MEMBERS = (
    "ContentType",
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "Expires",
    "WebsiteRedirectLocation",
)
RESPONSE_OVERRIDES = {
    "ResponseContentType": "ContentType",
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseExpires": "Expires",
}
STORAGE_CLASSES = (
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
    "OUTPOSTS",
    "SNOW",
    "EXPRESS_ONEZONE",
)
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
MAX_DELETE_KEYS = 1000
MAX_OBJECT_TAGS = 10


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def _check_key(key: object) -> str:
    if not isinstance(key, str) or key == "":
        raise s3_error(InvalidArgument, "Object key must not be empty")
    if len(key.encode()) > object_store.MAX_KEY_BYTES:
        raise s3_error(KeyTooLong, Size=len(key.encode()), MaxSizeAllowed=object_store.MAX_KEY_BYTES)
    return key


def check_version_id(version_id: str) -> None:
    if version_id != NULL_VERSION and not VERSION_ID.match(version_id):
        raise s3_error(
            InvalidArgument,
            "Invalid version id specified",
            ArgumentName="versionId",
            ArgumentValue=version_id,
        )


def parse_tagging(text: str | None) -> dict[str, str]:
    """The `x-amz-tagging` header: URL-encoded `k1=v1&k2=v2`."""
    if not text:
        return {}
    tags = {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}
    check_tags(tags)
    return tags


def check_tags(tags: dict[str, str]) -> None:
    if len(tags) > MAX_OBJECT_TAGS:
        raise s3_error(InvalidTag, "Object tags cannot be greater than 10")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise s3_error(InvalidTag, "The TagKey you have provided is invalid", TagKey=key)
        if len(value) > 256:
            raise s3_error(
                InvalidTag, "The TagValue you have provided is invalid", TagKey=key, TagValue=value
            )
        if key.lower().startswith("aws:"):
            raise s3_error(InvalidTag, "Your TagKey cannot be prefixed with aws:", TagKey=key)


def user_metadata(req: dict) -> dict[str, str]:
    """x-amz-meta-* (lower-cased names, as S3 keeps them), at most 2 KB of names and values."""
    metadata = {name.lower(): value for name, value in (req.get("Metadata") or {}).items()}
    size = sum(len(name.encode()) + len(value.encode()) for name, value in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise s3_error(MetadataTooLarge, Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)
    return metadata


def _headers_from(req: dict) -> dict:
    headers = {name: req[name] for name in HEADER_MEMBERS if req.get(name) is not None}
    if isinstance(headers.get("Expires"), datetime):
        headers["Expires"] = headers["Expires"].timestamp()
    encoding = headers.get("ContentEncoding")
    if encoding:  # aws-chunked is the transfer framing, not the object's encoding
        kept = [part.strip() for part in encoding.split(",") if part.strip().lower() != "aws-chunked"]
        if kept:
            headers["ContentEncoding"] = ", ".join(kept)
        else:
            headers.pop("ContentEncoding")
    headers.setdefault("ContentType", DEFAULT_CONTENT_TYPE)
    return headers


def _checksum_fields(checksums: dict) -> dict:
    fields = {f"Checksum{name}": value for name, value in checksums.items() if name != "type"}
    if fields:
        fields["ChecksumType"] = checksums.get("type", "FULL_OBJECT")
    return fields


def object_fields(version: ObjectVersion) -> dict:
    """The headers GetObject and HeadObject share."""
    fields: dict = {
        "LastModified": _time(version.last_modified),
        "ContentLength": version.size,
        "ETag": version.etag,
        "AcceptRanges": "bytes",
        **encryption.encryption_fields(version.extra),  # encryption.py
        **{name: value for name, value in version.headers.items()},
    }
    if "Expires" in fields and isinstance(fields["Expires"], int | float):
        fields["Expires"] = datetime.fromtimestamp(fields["Expires"], UTC)
    if version.metadata:
        fields["Metadata"] = dict(version.metadata)
    if version.storage_class != "STANDARD":
        fields["StorageClass"] = version.storage_class
    if version.tags:
        fields["TagCount"] = len(version.tags)
    if version.parts:
        fields["PartsCount"] = len(version.parts)
    fields.update(lock_fields(version.extra))  # object_lock.py
    return fields


class ObjectOperations:
    def db(self) -> Database:  # supplied by S3Provider
        raise NotImplementedError

    # ------------------------------------------------------------------ write

    async def put_object(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        key = _check_key(req["Key"])
        storage_class = req.get("StorageClass") or "STANDARD"
        if storage_class not in STORAGE_CLASSES:
            raise s3_error(InvalidStorageClass, StorageClassRequested=storage_class)
        tags = parse_tagging(req.get("Tagging"))
        metadata = user_metadata(req)
        self._check_write_conditions(db, bucket, key, req)
        acl = requested_acl(db, bucket, ctx, req)  # object_acl.py
        lock = requested_lock(db, bucket, req, ctx.time)  # object_lock.py
        require_body_checksum(ctx, req, lock)
        encrypted = encryption.requested_encryption(db, bucket.name, key, req, ctx)  # encryption.py
        encrypted = await kms_encryption.seal(ctx, bucket.name, key, encrypted)  # SSE-KMS: a data key
        body = await self._store(ctx, req.get("Body"))
        new = NewVersion(
            key=key,
            owner_id=ctx.account_id,
            last_modified=ctx.time.timestamp(),
            blob_id=body.blob_id,
            inline_body=body.inline,
            size=body.size,
            etag=encryption.new_etag(encrypted, body.md5),
            storage_class=storage_class,
            headers=_headers_from(req),
            metadata=metadata,
            checksums={**body.checksums, "type": "FULL_OBJECT"} if body.checksums else {},
            tags=tags,
            acl=acl,
            extra={**lock, **encrypted},
        )
        try:
            with db.transaction():
                self._check_write_conditions(db, bucket, key, req)  # again: another write may have landed
                version, reclaimed = object_store.write(db, require_bucket(db, bucket.name), new)
        except BaseException:
            self.reclaim([body.blob_id] if body.blob_id else [])  # type: ignore[attr-defined]
            raise
        self.reclaim(reclaimed)  # type: ignore[attr-defined]
        result = {
            "ETag": version.etag,
            **encryption.encryption_fields(version.extra),
            **_checksum_fields(version.checksums),
        }
        if bucket.versioning:
            result["VersionId"] = version.version_id
        return result

    async def _store(self, ctx: RequestContext, body: object) -> StoredBody:
        store = self.blobs()  # type: ignore[attr-defined]
        size = ctx.request.body.size if ctx.request is not None else 0
        if size > OFFLOAD_ABOVE_BYTES:
            return await ctx.offload(store_body, store, body)
        return store_body(store, body)

    def _check_write_conditions(self, db: Database, bucket: Bucket, key: str, req: dict) -> None:
        if_none_match, if_match = req.get("IfNoneMatch"), req.get("IfMatch")
        if if_none_match is None and if_match is None:
            return
        existing = object_store.current(db, bucket.name, key)
        live = existing if existing is not None and not existing.delete_marker else None
        if if_none_match is not None:
            if if_none_match != "*":
                raise s3_error(
                    S3Error,
                    "If-None-Match only accepts '*'",
                    code="NotImplemented",
                    status=501,
                    Header="If-None-Match",
                )
            if live is not None:
                raise s3_error(PreconditionFailed, Condition="If-None-Match")
        if if_match is not None:
            if live is None:
                raise s3_error(NoSuchKey, Key=key)
            if if_match.strip('"') != live.etag.strip('"') and if_match != "*":
                raise s3_error(PreconditionFailed, Condition="If-Match")

    # ------------------------------------------------------------------ read

    def _find(self, db: Database, bucket: Bucket, key: str, version_id: str | None) -> ObjectVersion:
        if version_id is not None:
            check_version_id(version_id)
            version = object_store.by_version(db, bucket.name, key, version_id)
            if version is None:
                raise s3_error(NoSuchVersion, Key=key, VersionId=version_id)
            if version.delete_marker:
                raise s3_error(
                    MethodNotAllowed,
                    Method="GET",
                    ResourceType="DeleteMarker",
                    headers={
                        "x-amz-delete-marker": "true",
                        "x-amz-version-id": version.version_id,
                        "Last-Modified": formatdate(version.last_modified, usegmt=True),
                    },
                )
            return version
        version = object_store.current(db, bucket.name, key)
        if version is None:
            raise s3_error(NoSuchKey, Key=key)
        if version.delete_marker:
            raise s3_error(
                NoSuchKey,
                Key=key,
                headers={"x-amz-delete-marker": "true", "x-amz-version-id": version.version_id},
            )
        return version

    def _read(
        self, ctx: RequestContext, req: dict
    ) -> tuple[Bucket, ObjectVersion, dict, tuple[int, int] | None]:
        db = self.db()
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        key = _check_key(req["Key"])
        version = self._find(db, bucket, key, req.get("VersionId"))
        encryption.check_read_key(version.extra, req)  # an SSE-C object is read with its key
        check_read_conditions(req, version.etag, version.last_modified)
        fields = object_fields(version)
        fields.update(restore_fields(version, ctx.time.timestamp()))  # restore.py
        if bucket.versioning:
            fields["VersionId"] = version.version_id
        for override, member in RESPONSE_OVERRIDES.items():
            if req.get(override) is not None:
                fields[member] = req[override]
        span = self._span(req, version)
        if req.get("ChecksumMode") == "ENABLED":
            part_number = req.get("PartNumber")
            if part_number is not None and version.parts:  # the part's own checksum (composite uploads)
                part_checksums = version.parts[part_number - 1][1]
                if part_checksums:
                    fields.update(_checksum_fields({**part_checksums, "type": "COMPOSITE"}))
            elif span is None:
                fields.update(_checksum_fields(version.checksums))
        return bucket, version, fields, span

    def _span(self, req: dict, version: ObjectVersion) -> tuple[int, int] | None:
        part_number = req.get("PartNumber")
        if part_number is not None:
            parts = version.parts or [[version.size, {}]]
            if not 1 <= part_number <= len(parts):
                raise s3_error(InvalidArgument, "The requested partnumber is not satisfiable")
            start = sum(part[0] for part in parts[: part_number - 1])
            return start, parts[part_number - 1][0]
        return parse_range(req.get("Range"), version.size)

    async def get_object(self, ctx: RequestContext, req: dict) -> dict:
        bucket, version, fields, span = self._read(ctx, req)
        check_readable(version, ctx.time.timestamp())  # restore.py: archived objects need a restore
        if kms_encryption.is_kms(version.extra):
            await kms_encryption.unseal(ctx, bucket.name, version.extra)  # KMS must decrypt for the caller
        if span is None:
            fields["Body"] = open_body(self.blobs(), version.blob_id, version.inline_body, 0, version.size)  # type: ignore[attr-defined]
            if req.get("PartNumber") is not None:
                fields["PartsCount"] = len(version.parts or [1])
            return fields
        start, length = span
        fields["Body"] = open_body(self.blobs(), version.blob_id, version.inline_body, start, length)  # type: ignore[attr-defined]
        fields["ContentLength"] = length
        fields["ContentRange"] = f"bytes {start}-{start + length - 1}/{version.size}"
        fields[HTTP_STATUS_KEY] = 206
        return fields

    def head_object(self, ctx: RequestContext, req: dict) -> dict:
        _, version, fields, span = self._read(ctx, req)
        if span is not None:
            start, length = span
            fields["ContentLength"] = length
            fields["ContentRange"] = f"bytes {start}-{start + length - 1}/{version.size}"
            fields[HTTP_STATUS_KEY] = 206
        return fields

    # ------------------------------------------------------------------ delete

    def delete_object(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
            result, reclaimed = self._delete(
                db,
                ctx,
                bucket,
                _check_key(req["Key"]),
                req.get("VersionId"),
                bypass_governance=bool(req.get("BypassGovernanceRetention")),
            )
        self.reclaim(reclaimed)  # type: ignore[attr-defined]
        return result

    def _delete(
        self,
        db: Database,
        ctx: RequestContext,
        bucket: Bucket,
        key: str,
        version_id: str | None,
        *,
        bypass_governance: bool = False,
    ) -> tuple[dict, list[str]]:
        """One deletion as DeleteObject does it (inside a transaction)."""
        if version_id is not None:
            check_version_id(version_id)
            # object_lock.py: a locked version cannot be deleted (a delete marker always can be added)
            check_version_deletable(db, bucket, key, version_id, bypass_governance, ctx.time.timestamp())
            removed, reclaimed = object_store.remove_version(db, bucket.name, key, version_id)
            result: dict = {"VersionId": version_id}
            if removed is not None and removed.delete_marker:
                result["DeleteMarker"] = True
            return result, reclaimed
        if not bucket.versioning:
            _, reclaimed = object_store.remove_version(db, bucket.name, key, NULL_VERSION)
            return {}, reclaimed
        marker = NewVersion(
            key=key, owner_id=ctx.account_id, last_modified=ctx.time.timestamp(), delete_marker=True
        )
        version, reclaimed = object_store.write(db, bucket, marker)
        return {"DeleteMarker": True, "VersionId": version.version_id}, reclaimed

    def delete_objects(self, ctx: RequestContext, req: dict) -> dict:
        request = req.get("Delete") or {}
        objects = request.get("Objects") or []
        if not objects or len(objects) > MAX_DELETE_KEYS:
            raise s3_error(MalformedXML)
        quiet = bool(request.get("Quiet"))
        bypass_governance = bool(req.get("BypassGovernanceRetention"))
        deleted, errors, reclaimed = [], [], []
        db = self.db()
        with db.transaction():
            bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
            for entry in objects:
                key, version_id = entry.get("Key"), entry.get("VersionId")
                try:
                    result, freed = self._delete(
                        db, ctx, bucket, _check_key(key), version_id, bypass_governance=bypass_governance
                    )
                except S3Error as error:
                    errors.append(
                        {
                            "Key": key,
                            "Code": error.code,
                            "Message": error.message,
                            **({"VersionId": version_id} if version_id else {}),
                        }
                    )
                    continue
                reclaimed += freed
                if quiet:
                    continue
                shown: dict = {"Key": key}
                if version_id is not None:
                    shown["VersionId"] = version_id
                if result.get("DeleteMarker"):
                    shown["DeleteMarker"] = True
                    if version_id is None:
                        shown["DeleteMarkerVersionId"] = result["VersionId"]
                deleted.append(shown)
        self.reclaim(reclaimed)  # type: ignore[attr-defined]
        answer: dict = {}
        if deleted:
            answer["Deleted"] = deleted
        if errors:
            answer["Errors"] = errors
        return answer

    # ------------------------------------------------------------------ copy

    async def copy_object(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        source_bucket_name, source_key, source_version_id = parse_copy_source(req["CopySource"])
        source_bucket = require_bucket(db, source_bucket_name)
        source = self._find(db, source_bucket, source_key, source_version_id)
        encryption.check_read_key(source.extra, req, copy_source=True)
        check_read_conditions(req, source.etag, source.last_modified, prefix="CopySource")
        check_copy_source(source, ctx.time.timestamp())  # restore.py
        await kms_encryption.unseal(ctx, source_bucket.name, source.extra)
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        key = _check_key(req["Key"])
        acl = requested_acl(db, bucket, ctx, req)  # object_acl.py: the copy's own ACL, not the source's
        lock = requested_lock(db, bucket, req, ctx.time)  # object_lock.py: likewise its own lock
        encrypted = encryption.requested_encryption(db, bucket.name, key, req, ctx)  # not the source's
        encrypted = await kms_encryption.seal(ctx, bucket.name, key, encrypted)
        replace_metadata = req.get("MetadataDirective") == "REPLACE"
        storage_class = req.get("StorageClass") or source.storage_class
        if storage_class not in STORAGE_CLASSES:
            raise s3_error(InvalidStorageClass, StorageClassRequested=storage_class)
        same_place = (source_bucket.name, source.key) == (bucket.name, key)
        changes_something = (
            replace_metadata
            or req.get("StorageClass") is not None
            or req.get("WebsiteRedirectLocation") is not None
            or encryption.changes_encryption(db, bucket.name, req)
        )
        if same_place and not changes_something:
            raise s3_error(
                InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing "
                "the object's metadata, storage class, website redirect location or encryption attributes.",
            )
        tags = (
            parse_tagging(req.get("Tagging"))
            if req.get("TaggingDirective") == "REPLACE"
            else dict(source.tags)
        )
        if replace_metadata:
            headers = _headers_from(req)
            metadata = user_metadata(req)
        else:
            headers = dict(source.headers)
            metadata = dict(source.metadata)
        store = self.blobs()  # type: ignore[attr-defined]
        if source.size > OFFLOAD_ABOVE_BYTES:
            body = await ctx.offload(copy_body, store, source.blob_id, source.inline_body)
        else:
            body = copy_body(store, source.blob_id, source.inline_body)
        etag = encryption.new_etag(encrypted, body.md5)  # a single-part object, whatever its source was
        new = NewVersion(
            key=key,
            owner_id=ctx.account_id,
            last_modified=ctx.time.timestamp(),
            blob_id=body.blob_id,
            inline_body=body.inline,
            size=body.size,
            etag=etag,
            storage_class=storage_class,
            headers=headers,
            metadata=metadata,
            checksums={name: value for name, value in source.checksums.items()} if not source.parts else {},
            tags=tags,
            acl=acl,
            extra={**lock, **encrypted},
        )
        try:
            with db.transaction():
                version, reclaimed = object_store.write(db, require_bucket(db, bucket.name), new)
        except BaseException:
            self.reclaim([body.blob_id] if body.blob_id else [])  # type: ignore[attr-defined]
            raise
        self.reclaim(reclaimed)  # type: ignore[attr-defined]
        result: dict = {
            "CopyObjectResult": {"ETag": version.etag, "LastModified": _time(version.last_modified)},
            **encryption.encryption_fields(version.extra),
        }
        if source_bucket.versioning:
            result["CopySourceVersionId"] = source.version_id
        if bucket.versioning:
            result["VersionId"] = version.version_id
        return result

    # ------------------------------------------------------------------ tags

    def _tag_target(self, ctx: RequestContext, req: dict) -> tuple[Database, Bucket, ObjectVersion]:
        db = self.db()
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        return db, bucket, self._find(db, bucket, _check_key(req["Key"]), req.get("VersionId"))

    def get_object_tagging(self, ctx: RequestContext, req: dict) -> dict:
        _, bucket, version = self._tag_target(ctx, req)
        result: dict = {"TagSet": [{"Key": key, "Value": value} for key, value in version.tags.items()]}
        if bucket.versioning:
            result["VersionId"] = version.version_id
        return result

    def put_object_tagging(self, ctx: RequestContext, req: dict) -> dict:
        tag_set = (req.get("Tagging") or {}).get("TagSet") or []
        keys = [tag.get("Key") for tag in tag_set]
        if len(set(keys)) != len(keys):
            raise s3_error(InvalidTag, "Cannot provide multiple Tags with the same key")
        tags = {tag["Key"]: tag.get("Value", "") for tag in tag_set}
        check_tags(tags)
        db, bucket, version = self._tag_target(ctx, req)
        with db.transaction():
            object_store.update(db, version, tags=tags)
        return {"VersionId": version.version_id} if bucket.versioning else {}

    def delete_object_tagging(self, ctx: RequestContext, req: dict) -> dict:
        db, bucket, version = self._tag_target(ctx, req)
        with db.transaction():
            object_store.update(db, version, tags={})
        return {"VersionId": version.version_id} if bucket.versioning else {}


def parse_copy_source(copy_source: str) -> tuple[str, str, str | None]:
    """`bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=...`."""
    text, _, query = copy_source.partition("?")
    text = unquote(text).lstrip("/")
    bucket, _, key = text.partition("/")
    if not bucket or not key:
        raise s3_error(InvalidArgument, "Invalid copy source object key", ArgumentName="x-amz-copy-source")
    version_id = None
    if query:
        values = parse_qs(query).get("versionId")
        version_id = values[0] if values else None
    return bucket, key, version_id
