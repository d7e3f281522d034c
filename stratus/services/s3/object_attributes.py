"""GetObjectAttributes: what HeadObject and ListParts would say about a version, in one call.

Only the attributes named in `x-amz-object-attributes` are answered. The ETag comes without its
quotes; a composite checksum without its `-<part count>` suffix (the parts' own checksums say
how it was made). ObjectParts is answered for multipart objects only: with the part list (paged
by MaxParts / PartNumberMarker, like ListParts) when the upload kept per-part checksums (COMPOSITE
uploads), else just the part count, as S3 does. Parts keep the numbers they were uploaded with
(1, 3, 7 stay 1, 3, 7); GetObject's `partNumber` counts positions (1..PartsCount).
"""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import Bucket
from stratus.services.s3.common import InvalidArgument, s3_error
from stratus.services.s3.encryption import check_read_key
from stratus.services.s3.multipart_listing import page_size, part_marker
from stratus.services.s3.object_store import ObjectVersion

ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")
COMPOSITE = "COMPOSITE"


def _requested(value: object) -> set[str]:
    names = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    requested = {name.strip() for item in names for name in str(item).split(",") if name.strip()}
    if not requested or not requested <= set(ATTRIBUTES):
        raise s3_error(
            InvalidArgument,
            "Invalid attribute name specified.",
            ArgumentName="x-amz-object-attributes",
            ArgumentValue=",".join(sorted(requested - set(ATTRIBUTES))) or "",
        )
    return requested


def _checksum(version: ObjectVersion) -> dict | None:
    values = {name: value for name, value in version.checksums.items() if name != "type"}
    if not values:
        return None
    checksum_type = version.checksums.get("type", "FULL_OBJECT")
    shown = {
        f"Checksum{name}": value.rsplit("-", 1)[0] if checksum_type == COMPOSITE else value
        for name, value in values.items()
    }
    shown["ChecksumType"] = checksum_type
    return shown


def _object_parts(version: ObjectVersion, req: dict) -> dict:
    parts = version.parts or []
    if version.checksums.get("type") != COMPOSITE:
        return {"TotalPartsCount": len(parts)}
    limit = page_size(req.get("MaxParts"), "max-parts")
    marker = part_marker(req.get("PartNumberMarker"))
    # Parts keep the numbers they were uploaded with (rows written before that: their positions).
    numbered = [
        (entry[2] if len(entry) > 2 else position, entry[0], entry[1])
        for position, entry in enumerate(parts, 1)
    ]
    numbered = [part for part in numbered if part[0] > marker]
    page = numbered[:limit]
    shown: dict = {
        "TotalPartsCount": len(parts),
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": len(numbered) > limit,
        "Parts": [
            {
                "PartNumber": number,
                "Size": size,
                **{f"Checksum{name}": value for name, value in checksums.items()},
            }
            for number, size, checksums in page
        ],
    }
    if page:
        shown["NextPartNumberMarker"] = page[-1][0]
    return shown


class ObjectAttributesOperations:
    """GetObjectAttributes (S3Provider supplies db, bucket and _find)."""

    def get_object_attributes(self, ctx: RequestContext, req: dict) -> dict:
        requested = _requested(req.get("ObjectAttributes"))
        db = self.db()  # type: ignore[attr-defined]
        bucket: Bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        version = self._find(db, bucket, req["Key"], req.get("VersionId"))  # type: ignore[attr-defined]
        check_read_key(version.extra, req)  # an SSE-C object answers only with its key
        result: dict = {"LastModified": datetime.fromtimestamp(int(version.last_modified), UTC)}
        if bucket.versioning:
            result["VersionId"] = version.version_id
        if "ETag" in requested:
            result["ETag"] = version.etag.strip('"')
        if "Checksum" in requested and (checksum := _checksum(version)) is not None:
            result["Checksum"] = checksum
        if "ObjectParts" in requested and version.parts:
            result["ObjectParts"] = _object_parts(version, req)
        if "StorageClass" in requested:
            result["StorageClass"] = version.storage_class
        if "ObjectSize" in requested:
            result["ObjectSize"] = version.size
        return result
