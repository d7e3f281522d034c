"""ListMultipartUploads and ListParts: paging, prefixes and delimiters, and the entries' shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from stratus.services.s3.bucket_store import canonical_user_id
from stratus.services.s3.common import InvalidArgument, s3_error
from stratus.services.s3.multipart_store import Part, Upload, uploads_from
from stratus.store import Database

MAX_PAGE = 1000  # the most uploads, or parts, S3 returns in one page
MAX_ARGUMENT = 2_147_483_647


def timestamp(epoch: float) -> datetime:
    """S3 shows times to the millisecond."""
    return datetime.fromtimestamp(int(epoch * 1000) / 1000, UTC)


def page_size(value: object, argument: str) -> int:
    """max-uploads / max-parts: 1000 when absent, at most 1000."""
    if value is None:
        return MAX_PAGE
    if not isinstance(value, int) or not 0 <= value <= MAX_ARGUMENT:
        raise s3_error(
            InvalidArgument,
            f"Argument {argument} must be an integer between 0 and {MAX_ARGUMENT}",
            ArgumentName=argument,
            ArgumentValue=str(value),
        )
    return min(value, MAX_PAGE)


def part_marker(value: object) -> int:
    """part-number-marker: list the parts numbered above it."""
    if value is None:
        return 0
    if not isinstance(value, int) or not 0 <= value <= MAX_ARGUMENT:
        raise s3_error(
            InvalidArgument,
            f"Argument part-number-marker must be an integer between 0 and {MAX_ARGUMENT}",
            ArgumentName="part-number-marker",
            ArgumentValue=str(value),
        )
    return value


def owner(upload: Upload) -> dict:
    return {"ID": canonical_user_id(upload.owner_id)}


def initiator(upload: Upload) -> dict:
    return dict(upload.extra.get("Initiator") or owner(upload))


def checksum_fields(upload: Upload) -> dict:
    if upload.checksum_algorithm is None:
        return {}
    return {"ChecksumAlgorithm": upload.checksum_algorithm, "ChecksumType": upload.checksum_type}


def part_entry(upload: Upload, part: Part) -> dict:
    entry = {
        "PartNumber": part.part_number,
        "LastModified": timestamp(part.last_modified),
        "ETag": part.etag,
        "Size": part.size,
    }
    # Only the upload's own algorithm is shown (a part of an upload without one shows none).
    algorithm = upload.checksum_algorithm
    if algorithm is not None and algorithm in part.checksums:
        entry[f"Checksum{algorithm}"] = part.checksums[algorithm]
    return entry


def upload_entry(upload: Upload, encode) -> dict:
    return {
        "UploadId": upload.upload_id,
        "Key": encode(upload.key),
        "Initiated": timestamp(upload.initiated_at),
        "StorageClass": upload.storage_class,
        "Owner": owner(upload),
        "Initiator": initiator(upload),
        **checksum_fields(upload),
    }


@dataclass(slots=True)
class UploadsPage:
    uploads: list[Upload] = field(default_factory=list)
    common_prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    next_key_marker: str = ""
    next_upload_id_marker: str = ""


def uploads_page(
    db: Database,
    bucket: str,
    *,
    prefix: str,
    delimiter: str,
    key_marker: str,
    upload_id_marker: str,
    limit: int,
) -> UploadsPage:
    """One page of in-progress uploads, by key then initiation, after the markers.

    Without an upload-id marker the listing starts after every upload of `key_marker`; with one, it
    starts after that upload among those of `key_marker`. With a delimiter, keys sharing the text up
    to the delimiter after the prefix roll up into one common prefix, which counts as one entry.
    """
    page = UploadsPage()
    count = 0
    for upload in uploads_from(db, bucket, max(prefix, key_marker)):
        key = upload.key
        if not key.startswith(prefix):
            break  # keys are sorted: past the prefix's range
        if key_marker and (
            key < key_marker or (key == key_marker and _not_after(upload.upload_id, upload_id_marker))
        ):
            continue
        common = _common_prefix(key, prefix, delimiter)
        if common is not None:
            if (key_marker and common <= key_marker) or (
                page.common_prefixes and page.common_prefixes[-1] == common
            ):
                continue
            if count == limit:
                page.truncated = True
                break
            page.common_prefixes.append(common)
            page.next_key_marker, page.next_upload_id_marker = common, ""
        else:
            if count == limit:
                page.truncated = True
                break
            page.uploads.append(upload)
            page.next_key_marker, page.next_upload_id_marker = key, upload.upload_id
        count += 1
    return page


def _not_after(upload_id: str, upload_id_marker: str) -> bool:
    """Whether an upload of the marker key comes at or before the marker (all do without one)."""
    return not upload_id_marker or upload_id <= upload_id_marker


def _common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    if not delimiter:
        return None
    cut = key.find(delimiter, len(prefix))
    return key[: cut + len(delimiter)] if cut >= 0 else None


def key_encoder(encoding_type: str | None):
    """encoding-type=url: keys (and prefixes, delimiter, markers) come back URL-encoded."""
    if encoding_type is None:
        return lambda text: text
    if encoding_type != "url":
        raise s3_error(
            InvalidArgument,
            "Invalid Encoding Method specified in Request",
            ArgumentName="encoding-type",
            ArgumentValue=encoding_type,
        )
    return lambda text: quote(text, safe="/")
