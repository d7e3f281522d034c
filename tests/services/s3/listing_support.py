"""Helpers shared by the S3 listing tests (test_listing_*.py): the bucket name, S3's recorded URL
encodings, the `s3`, `raw_s3` and `bucket` fixtures, and helpers that put keys, compute the
listing S3 gives, and read errors and raw answers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.handlers import set_list_objects_encoding_type_url

BUCKET = "listing-bucket"

# Keys and the form Amazon S3 returns for each under encoding-type=url (recorded from S3).
RECORDED_ENCODINGS = {
    "enc/a b+c&d=e?f#g%h~é.txt": "enc/a+b%2Bc%26d%3De%3Ff%23g%25h%7E%C3%A9.txt",
    "enc/semi;colon,comma:@$!*'()[].txt": "enc/semi%3Bcolon%2Ccomma%3A%40%24%21*%27%28%29%5B%5D.txt",
    "enc/tab\tkey.txt": "enc/tab%09key.txt",
    "enc/sp ace/x.txt": "enc/sp+ace/x.txt",
}


@pytest.fixture(name="s3")
def s3_fixture(aws_client):
    return aws_client("s3")


@pytest.fixture(name="raw_s3")
def raw_s3_fixture(aws_client):
    """A client that does not ask for encoding-type=url behind the caller's back."""
    client = aws_client("s3")
    for operation in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        client.meta.events.unregister(
            f"before-parameter-build.s3.{operation}", set_list_objects_encoding_type_url
        )
    return client


@pytest.fixture(name="bucket")
def bucket_fixture(s3):
    s3.create_bucket(Bucket=BUCKET)
    return BUCKET


def put_keys(s3, keys, bucket=BUCKET):
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=bucket, Key=key, Body=key.encode()[:20]), keys))


def utf8_order(keys):
    return sorted(keys, key=lambda key: key.encode())


def expected_entries(keys, prefix="", delimiter="", after=None):
    """The listing S3 gives: keys in UTF-8 order under `prefix`, keys past the delimiter rolled up."""
    entries = []
    for key in utf8_order(set(keys)):
        if not key.startswith(prefix) or (after is not None and key.encode() <= after.encode()):
            continue
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                common = key[: cut + len(delimiter)]
                if entries[-1:] != [("prefix", common)]:
                    entries.append(("prefix", common))
                continue
        entries.append(("key", key))
    return entries


def page_entries(page):
    """A page's Contents and CommonPrefixes as one list in listing order."""
    entries = [("key", item["Key"]) for item in page.get("Contents", [])]
    entries += [("prefix", item["Prefix"]) for item in page.get("CommonPrefixes", [])]
    return sorted(entries, key=lambda entry: entry[1].encode())


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def raw_body(client, operation, **params):
    """The XML of one answer, as S3 sent it."""
    captured = {}

    def keep(http_response, **_):
        captured["body"] = http_response.content.decode()

    client.meta.events.register(f"after-call.s3.{operation}", keep)
    try:
        getattr(client, _snake(operation))(**params)
    finally:
        client.meta.events.unregister(f"after-call.s3.{operation}", keep)
    return captured["body"]


def _snake(operation):
    return {
        "ListObjects": "list_objects",
        "ListObjectsV2": "list_objects_v2",
        "ListObjectVersions": "list_object_versions",
    }[operation]
