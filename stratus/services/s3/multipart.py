"""Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, ListParts,
ListMultipartUploads, CompleteMultipartUpload and AbortMultipartUpload.

Parts are blobs of their own until the upload completes; completing concatenates the listed parts
into one new blob for the object (on a worker thread for big uploads) and drops the parts. Bodies
are hashed and copied off the event loop; every database write happens back on it, in a
transaction that first checks the upload is still there.
"""

from __future__ import annotations

import io

from stratus.core.context import RequestContext
from stratus.services.s3 import encryption, kms_encryption, object_store
from stratus.services.s3.bodies import OFFLOAD_ABOVE_BYTES
from stratus.services.s3.bucket_store import Bucket, canonical_user_id, require_bucket
from stratus.services.s3.common import (
    EntityTooLarge,
    InvalidRequest,
    NoSuchUpload,
    PreconditionFailed,
    s3_error,
)
from stratus.services.s3.multipart_bodies import (
    MAX_PART_BYTES,
    StoredPart,
    concatenate,
    copy_range,
    open_blobs,
    store_stream,
)
from stratus.services.s3.multipart_checksums import (
    COMPOSITE,
    COMPUTE_DEFAULT,
    DEFAULT_ALGORITHM,
    FULL_OBJECT,
    carried_algorithm,
    check_full_object,
    check_part_request,
    check_requested_type,
    claimed_object_checksum,
    upload_settings,
)
from stratus.services.s3.multipart_complete import (
    InvalidPart,
    check_object_size,
    composite_etag,
    listed_parts,
    plan_completion,
)
from stratus.services.s3.multipart_listing import (
    checksum_fields,
    initiator,
    key_encoder,
    owner,
    page_size,
    part_entry,
    part_marker,
    timestamp,
    upload_entry,
    uploads_page,
)
from stratus.services.s3.multipart_requests import (
    copy_source,
    copy_source_span,
    declared_length,
    object_checksum_fields,
    object_location,
    part_number_of,
)
from stratus.services.s3.multipart_store import (
    Part,
    Upload,
    delete_upload,
    find_upload,
    insert_upload,
    new_upload_id,
    parts_after,
    put_part,
    require_upload,
)
from stratus.services.s3.object_acl import requested_acl
from stratus.services.s3.object_lock import requested_lock
from stratus.services.s3.object_store import NewVersion, ObjectVersion
from stratus.services.s3.objects import (
    STORAGE_CLASSES,
    InvalidStorageClass,
    _check_key,
    _headers_from,
    parse_tagging,
)
from stratus.services.s3.preconditions import check_read_conditions
from stratus.services.s3.restore import check_copy_source
from stratus.store import BlobStore, Database

OBJECT_LOCK_MEMBERS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")
ACL_MEMBERS = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP")
# The object's `extra` names the upload it came from, so a repeated complete request can be answered.
UPLOAD_ID_FIELD = "MultipartUploadId"


class MultipartOperations:
    def db(self) -> Database:  # supplied by S3Provider
        raise NotImplementedError

    def blobs(self) -> BlobStore:  # supplied by S3Provider
        raise NotImplementedError

    # ------------------------------------------------------------------ create / abort

    async def create_multipart_upload(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        key = _check_key(req["Key"])
        storage_class = req.get("StorageClass") or "STANDARD"
        if storage_class not in STORAGE_CLASSES:
            raise s3_error(InvalidStorageClass, StorageClassRequested=storage_class)
        algorithm, checksum_type = upload_settings(req.get("ChecksumAlgorithm"), req.get("ChecksumType"))
        db = self.db()
        requested_acl(db, bucket, ctx, req)  # object_acl.py: refused now; the object reads AclRequest
        lock = requested_lock(db, bucket, req, ctx.time)  # object_lock.py: checked, or the default retention
        encrypted = encryption.requested_encryption(db, bucket.name, key, req, ctx)  # kept for the object
        encrypted = await kms_encryption.seal(ctx, bucket.name, key, encrypted)
        now = ctx.time.timestamp()
        upload = Upload(
            upload_id=new_upload_id(now),
            bucket=bucket.name,
            key=key,
            initiated_at=now,
            owner_id=ctx.account_id,
            storage_class=storage_class,
            headers=_headers_from(req),
            metadata={name.lower(): value for name, value in (req.get("Metadata") or {}).items()},
            checksum_algorithm=algorithm,
            checksum_type=checksum_type,
            tags=parse_tagging(req.get("Tagging")),
            extra={**self._upload_extra(ctx, req), **lock, **encrypted},
        )
        with db.transaction():
            require_bucket(db, bucket.name)
            insert_upload(db, upload)
        return {
            "Bucket": bucket.name,
            "Key": key,
            "UploadId": upload.upload_id,
            **encryption.encryption_fields(upload.extra),
            **checksum_fields(upload),
        }

    def _upload_extra(self, ctx: RequestContext, req: dict) -> dict:
        extra: dict = {"Initiator": self._initiator(ctx)}
        for name in OBJECT_LOCK_MEMBERS:
            value = req.get(name)
            if value is not None:
                extra[name] = value.timestamp() if hasattr(value, "timestamp") else value
        acl = {name: req[name] for name in ACL_MEMBERS if req.get(name) is not None}
        if acl:
            extra["AclRequest"] = acl  # applied to the object by the ACL support, once it reads it
        return extra

    def _initiator(self, ctx: RequestContext) -> dict:
        principal = ctx.principal
        if principal.type == "Root":
            return {"ID": canonical_user_id(ctx.account_id)}
        shown = {"ID": principal.arn}
        if principal.name:
            shown["DisplayName"] = principal.name
        return shown

    def abort_multipart_upload(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        upload_id = req.get("UploadId")
        initiated = req.get("IfMatchInitiatedTime")
        with db.transaction():
            bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
            upload = find_upload(db, bucket.name, req["Key"], upload_id)
            if upload is None:
                # S3 answers 204 for an upload it just completed, and for any unknown upload when the
                # request is conditional on the initiation time.
                if (
                    initiated is not None
                    or self._completed_by(db, bucket.name, req["Key"], upload_id) is not None
                ):
                    return {}
                raise s3_error(NoSuchUpload, UploadId=upload_id or "")
            if initiated is not None and int(initiated.timestamp()) != int(upload.initiated_at):
                raise s3_error(PreconditionFailed, Condition="x-amz-if-match-initiated-time")
            blobs = delete_upload(db, upload.upload_id)
        self.reclaim(blobs)  # type: ignore[attr-defined]
        return {}

    # ------------------------------------------------------------------ parts

    async def upload_part(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        upload = require_upload(db, bucket.name, req["Key"], req.get("UploadId"))
        part_number = part_number_of(req.get("PartNumber"))
        encryption.check_part_key(upload.extra, req)  # an SSE-C upload's parts carry its key
        headers = ctx.request.headers if ctx.request is not None else None
        carried = carried_algorithm(req, headers)
        check_part_request(
            upload.checksum_algorithm, upload.checksum_type, carried, req.get("ChecksumAlgorithm")
        )
        body = req.get("Body")
        source = io.BytesIO(body or b"") if body is None or isinstance(body, bytes | bytearray) else body
        declared = declared_length(ctx, body)
        if declared > MAX_PART_BYTES:
            raise s3_error(EntityTooLarge, ProposedSize=declared, MaxSizeAllowed=MAX_PART_BYTES)
        # A full-object upload's part that came without its checksum gets one computed here.
        compute = upload.checksum_algorithm if carried != upload.checksum_algorithm else None
        stored = await self._offloaded(ctx, declared, store_stream, self.blobs(), source, compute)
        verified = dict(getattr(source, "checksums", None) or {})
        if compute is not None and stored.checksum is not None:
            verified[compute] = stored.checksum
        part = Part(
            upload_id=upload.upload_id,
            part_number=part_number,
            blob_id=stored.blob_id,
            size=stored.size,
            etag=encryption.new_etag(upload.extra, stored.md5),
            checksums=verified,
            last_modified=ctx.time.timestamp(),
        )
        self._store_part(db, upload, part)
        result = {"ETag": part.etag, **encryption.encryption_fields(upload.extra)}
        result.update({f"Checksum{name}": value for name, value in verified.items()})
        return result

    async def upload_part_copy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        upload = require_upload(db, bucket.name, req["Key"], req.get("UploadId"))
        part_number = part_number_of(req.get("PartNumber"))
        encryption.check_part_key(upload.extra, req)
        source_bucket, source = copy_source(db, req)
        encryption.check_read_key(source.extra, req, copy_source=True)
        check_copy_source(source, ctx.time.timestamp())  # an archived source must be restored first
        await kms_encryption.unseal(ctx, source_bucket.name, source.extra)
        check_read_conditions(req, source.etag, source.last_modified, prefix="CopySource")
        start, length = copy_source_span(req.get("CopySourceRange"), source.size)
        if length > MAX_PART_BYTES:
            raise s3_error(
                InvalidRequest,
                f"The specified copy source is larger than the maximum allowable size for a copy source: {MAX_PART_BYTES}",
            )
        store = self.blobs()
        opened = None
        if length and source.blob_id:
            opened = store.open(source.blob_id)  # pinned against deletes
        elif length and source.inline_body:
            opened = io.BytesIO(source.inline_body)  # a small source kept in its row
        algorithm = upload.checksum_algorithm
        stored = await self._offloaded(ctx, length, copy_range, store, opened, start, length, algorithm)
        checksums = {algorithm: stored.checksum} if algorithm and stored.checksum else {}
        part = Part(
            upload_id=upload.upload_id,
            part_number=part_number,
            blob_id=stored.blob_id,
            size=stored.size,
            etag=encryption.new_etag(upload.extra, stored.md5),
            checksums=checksums,
            last_modified=ctx.time.timestamp(),
        )
        self._store_part(db, upload, part)
        copied = {"ETag": part.etag, "LastModified": timestamp(part.last_modified)}
        copied.update({f"Checksum{name}": value for name, value in checksums.items()})
        result = {"CopyPartResult": copied, **encryption.encryption_fields(upload.extra)}
        if source_bucket.versioning:
            result["CopySourceVersionId"] = source.version_id
        return result

    def _store_part(self, db: Database, upload: Upload, part: Part) -> None:
        """Keep a part whose blob is written, unless its upload went away meanwhile."""
        try:
            with db.transaction():
                require_upload(db, upload.bucket, upload.key, upload.upload_id)
                reclaimed = put_part(db, part)
        except BaseException:
            self.reclaim([part.blob_id] if part.blob_id else [])  # type: ignore[attr-defined]
            raise
        self.reclaim(reclaimed)  # type: ignore[attr-defined]

    async def _offloaded(self, ctx: RequestContext, size: int, fn, *args):
        """Run a body copy on a worker thread when it is big enough to hold up the event loop."""
        if size > OFFLOAD_ABOVE_BYTES:
            return await ctx.offload(fn, *args)
        return fn(*args)

    # ------------------------------------------------------------------ listing

    def list_parts(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        upload = require_upload(db, bucket.name, req["Key"], req.get("UploadId"))
        limit = page_size(req.get("MaxParts"), "max-parts")
        marker = part_marker(req.get("PartNumberMarker"))
        page = parts_after(db, upload.upload_id, marker, limit + 1)
        truncated = len(page) > limit
        page = page[:limit]
        result: dict = {
            "Bucket": bucket.name,
            "Key": upload.key,
            "UploadId": upload.upload_id,
            "PartNumberMarker": marker,
            "MaxParts": limit,
            "IsTruncated": truncated,
            "Parts": [part_entry(upload, part) for part in page],
            "Initiator": initiator(upload),
            "Owner": owner(upload),
            "StorageClass": upload.storage_class,
            **checksum_fields(upload),
        }
        if page:
            result["NextPartNumberMarker"] = page[-1].part_number
        return result

    def list_multipart_uploads(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        limit = page_size(req.get("MaxUploads"), "max-uploads")
        encode = key_encoder(req.get("EncodingType"))
        key_marker = req.get("KeyMarker") or ""
        # upload-id-marker means nothing without key-marker
        upload_id_marker = (req.get("UploadIdMarker") or "") if key_marker else ""
        page = uploads_page(
            self.db(),
            bucket.name,
            prefix=req.get("Prefix") or "",
            delimiter=req.get("Delimiter") or "",
            key_marker=key_marker,
            upload_id_marker=upload_id_marker,
            limit=limit,
        )
        result: dict = {
            "Bucket": bucket.name,
            "KeyMarker": encode(key_marker),
            "UploadIdMarker": upload_id_marker,
            "NextKeyMarker": encode(page.next_key_marker),
            "NextUploadIdMarker": page.next_upload_id_marker,
            "MaxUploads": limit,
            "IsTruncated": page.truncated,
            "Uploads": [upload_entry(upload, encode) for upload in page.uploads],
        }
        if page.common_prefixes:
            result["CommonPrefixes"] = [{"Prefix": encode(prefix)} for prefix in page.common_prefixes]
        for member in ("Prefix", "Delimiter"):
            if req.get(member) is not None:
                result[member] = encode(req[member])
        if req.get("EncodingType") is not None:
            result["EncodingType"] = req["EncodingType"]
        return result

    # ------------------------------------------------------------------ complete

    async def complete_multipart_upload(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        upload_id = req.get("UploadId")
        listed = listed_parts(req, upload_id)
        bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        key = req["Key"]
        upload = find_upload(db, bucket.name, key, upload_id)
        if upload is None:
            # A repeated request for an upload that created the current object gets the same answer.
            done = self._completed_by(db, bucket.name, key, upload_id)
            if done is not None and done.etag == composite_etag([item.etag for item in listed]):
                return self._completion_result(ctx, bucket, done)
            raise s3_error(NoSuchUpload, UploadId=upload_id or "")
        check_requested_type(upload.checksum_type, req.get("ChecksumType"))
        encryption.check_part_key(upload.extra, req, required=False)
        claimed = claimed_object_checksum(req, upload.checksum_algorithm, upload.checksum_type)
        plan = plan_completion(db, upload, listed, claimed)
        check_object_size(req.get("MpuObjectSize"), plan.size)
        self._check_write_conditions(db, bucket, key, req)  # type: ignore[attr-defined]

        # The object's full-object checksum is computed while the parts are concatenated: the
        # upload's CRC for FULL_OBJECT uploads, S3's default CRC64NVME for uploads without one.
        full_object = upload.checksum_algorithm if upload.checksum_type == FULL_OBJECT else None
        if upload.checksum_algorithm is None and COMPUTE_DEFAULT:
            full_object = DEFAULT_ALGORITHM
        store = self.blobs()
        sources = open_blobs(store, [(part.blob_id, part.size) for part in plan.parts])
        body: StoredPart = await self._offloaded(ctx, plan.size, concatenate, store, sources, full_object)
        try:
            if upload.checksum_type == FULL_OBJECT and body.checksum is not None:
                check_full_object(claimed, body.checksum)
            checksums: dict = {}
            if plan.composite_checksum is not None:
                checksums = {upload.checksum_algorithm: plan.composite_checksum, "type": COMPOSITE}
            elif full_object is not None:
                checksums = {full_object: body.checksum, "type": FULL_OBJECT}
            new = NewVersion(
                key=key,
                owner_id=upload.owner_id,
                # S3 dates a multipart object from the initiation of its upload
                last_modified=upload.initiated_at,
                blob_id=body.blob_id,
                size=body.size,
                etag=plan.etag,
                storage_class=upload.storage_class,
                headers=dict(upload.headers),
                metadata=dict(upload.metadata),
                checksums=checksums,
                parts=plan.parts_column,
                tags=dict(upload.tags),
                extra=self._object_extra(upload),
            )
            with db.transaction():
                current = require_upload(db, bucket.name, key, upload.upload_id)
                still = {part.part_number: part.blob_id for part in parts_after(db, current.upload_id)}
                for part in plan.parts:  # a part re-uploaded while we were concatenating
                    if still.get(part.part_number) != part.blob_id:
                        raise s3_error(
                            InvalidPart,
                            UploadId=upload.upload_id,
                            PartNumber=str(part.part_number),
                            ETag=part.etag.strip('"'),
                        )
                self._check_write_conditions(db, bucket, key, req)  # type: ignore[attr-defined]
                version, reclaimed = object_store.write(db, require_bucket(db, bucket.name), new)
                reclaimed += delete_upload(db, upload.upload_id)
        except BaseException:
            self.reclaim([body.blob_id] if body.blob_id else [])  # type: ignore[attr-defined]
            raise
        self.reclaim(reclaimed)  # type: ignore[attr-defined]
        return self._completion_result(ctx, require_bucket(db, bucket.name), version)

    def _object_extra(self, upload: Upload) -> dict:
        extra = {name: value for name, value in upload.extra.items() if name != "Initiator"}
        extra[UPLOAD_ID_FIELD] = upload.upload_id
        return extra

    def _completed_by(self, db: Database, bucket: str, key: str, upload_id: object) -> ObjectVersion | None:
        """The version of `key` that completing `upload_id` created, while it exists."""
        if not isinstance(upload_id, str) or not upload_id:
            return None
        rows = db.query(
            "SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY object_id DESC", (bucket, key)
        )
        for row in rows:
            version = object_store.from_row(row)
            if version.extra.get(UPLOAD_ID_FIELD) == upload_id:
                return version
        return None

    def _completion_result(self, ctx: RequestContext, bucket: Bucket, version: ObjectVersion) -> dict:
        result = {
            "Location": object_location(ctx, bucket.name, version.key),
            "Bucket": bucket.name,
            "Key": version.key,
            "ETag": version.etag,
            **object_checksum_fields(version.checksums),
            **encryption.completion_fields(version.extra),
        }
        if bucket.versioning:
            result["VersionId"] = version.version_id
        return result
