"""CompleteMultipartUpload's checks: the listed parts, their ETags and checksums, the part sizes,
and what the new object is made of (its composite ETag and checksum)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from stratus.services.s3.common import InvalidArgument, InvalidRequest, MalformedXML, _error, s3_error
from stratus.services.s3.multipart_checksums import (
    COMPOSITE,
    ClaimedChecksum,
    check_composite_request,
    composite_value,
    requested_part_checksums,
)
from stratus.services.s3.multipart_store import Part, Upload, parts_after
from stratus.store import Database

MIN_PART_BYTES = 5 * 1024 * 1024  # every part but the last

InvalidPart = _error(
    "InvalidPart",
    400,
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the "
    "specified entity tag may not match the part's entity tag.",
)
InvalidPartOrder = _error(
    "InvalidPartOrder",
    400,
    "The list of parts was not in ascending order. Parts must be ordered by part number.",
)
EntityTooSmall = _error(
    "EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size"
)


@dataclass(frozen=True, slots=True)
class ListedPart:
    """One `<Part>` of the complete request."""

    part_number: int
    etag: str  # without quotes
    checksums: dict[str, str]


@dataclass(frozen=True, slots=True)
class Completion:
    """What the completed object is made of."""

    parts: list[Part]  # the listed parts, in order
    etag: str  # `"<md5 of the concatenated binary part MD5s>-<count>"`
    size: int
    composite_checksum: str | None  # COMPOSITE uploads: `<base64>-<count>`
    parts_column: list  # [[size, checksums, part number], ...] kept for partNumber reads and attributes


def listed_parts(req: dict, upload_id: object) -> list[ListedPart]:
    if req.get("MultipartUpload") is None:  # no body at all
        raise s3_error(InvalidRequest, "You must specify at least one part")
    entries = req["MultipartUpload"].get("Parts") or []
    if not entries:
        raise s3_error(MalformedXML)
    listed: list[ListedPart] = []
    for entry in entries:
        number, etag = entry.get("PartNumber"), entry.get("ETag")
        if not isinstance(number, int) or etag is None:
            raise s3_error(MalformedXML)
        if number < 1:
            raise s3_error(
                InvalidArgument,
                "PartNumber must be >= 1",
                ArgumentName="PartNumber",
                ArgumentValue=str(number),
            )
        if listed and number <= listed[-1].part_number:
            raise s3_error(InvalidPartOrder, UploadId=upload_id)
        listed.append(ListedPart(number, str(etag).strip().strip('"'), requested_part_checksums(entry)))
    return listed


def composite_etag(etags: list[str]) -> str | None:
    """The ETag S3 gives a multipart object made of parts with these ETags (None if one is not an MD5)."""
    digest = hashlib.md5(usedforsecurity=False)
    for etag in etags:
        try:
            digest.update(bytes.fromhex(etag.strip('"')))
        except ValueError:
            return None
    return f'"{digest.hexdigest()}-{len(etags)}"'


def plan_completion(
    db: Database, upload: Upload, listed: list[ListedPart], claimed: ClaimedChecksum | None
) -> Completion:
    """Check the request against the stored parts; raises S3's error for the first problem found."""
    algorithm, checksum_type = upload.checksum_algorithm, upload.checksum_type
    if checksum_type == COMPOSITE and algorithm is not None:
        check_composite_request(algorithm, [(item.part_number, item.checksums) for item in listed], claimed)
    stored = {part.part_number: part for part in parts_after(db, upload.upload_id)}
    chosen: list[Part] = []
    for index, item in enumerate(listed):
        part = stored.get(item.part_number)
        if (
            part is None
            or part.etag.strip('"') != item.etag
            or not _checksums_match(upload, part, item.checksums)
        ):
            raise s3_error(
                InvalidPart, UploadId=upload.upload_id, PartNumber=str(item.part_number), ETag=item.etag
            )
        if index < len(listed) - 1 and part.size < MIN_PART_BYTES:
            raise s3_error(
                EntityTooSmall,
                ProposedSize=part.size,
                MinSizeAllowed=MIN_PART_BYTES,
                PartNumber=item.part_number,
                ETag=item.etag,
            )
        chosen.append(part)
    etag = composite_etag([part.etag for part in chosen])
    if etag is None:  # our own ETags are always MD5s
        raise s3_error(InvalidPart, UploadId=upload.upload_id)
    composite = None
    parts_column: list = [[part.size, {}, part.part_number] for part in chosen]
    if checksum_type == COMPOSITE and algorithm is not None:
        values = [part.checksums[algorithm] for part in chosen]
        composite = f"{composite_value(algorithm, values)}-{len(values)}"
        parts_column = [
            [part.size, {algorithm: value}, part.part_number]
            for part, value in zip(chosen, values, strict=True)
        ]
    return Completion(chosen, etag, sum(part.size for part in chosen), composite, parts_column)


def _checksums_match(upload: Upload, part: Part, stated: dict[str, str]) -> bool:
    if not stated:
        return True
    if upload.checksum_algorithm is None:  # an upload without an algorithm keeps no part checksums
        return False
    return all(part.checksums.get(name) == value for name, value in stated.items())


def check_object_size(declared: object, size: int) -> None:
    """x-amz-mp-object-size: the size the client expects the object to have."""
    if declared is None:
        return
    if not isinstance(declared, int) or declared < 0:
        raise s3_error(
            InvalidRequest, f"Value for x-amz-mp-object-size header is less than zero: '{declared}'"
        )
    if declared != size:
        raise s3_error(
            InvalidRequest,
            f"The provided 'x-amz-mp-object-size' header value {declared} does not match what was computed: {size}",
        )
