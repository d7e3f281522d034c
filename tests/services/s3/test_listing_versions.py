"""S3 ListObjectVersions through boto3: versions and delete markers in key order, newest first,
paging by key and version-id markers, and URL encoding.
"""

from __future__ import annotations

import pytest

from .listing_support import (  # noqa: F401
    RECORDED_ENCODINGS,
    bucket_fixture,
    put_keys,
    raw_body,
    raw_s3_fixture,
    s3_fixture,
)

# ---------------------------------------------------------------------------------- ListObjectVersions


def _version_rows(page):
    rows = [(item["Key"], item["VersionId"], item["IsLatest"], False) for item in page.get("Versions", [])]
    rows += [
        (item["Key"], item["VersionId"], item["IsLatest"], True) for item in page.get("DeleteMarkers", [])
    ]
    return rows


def test_versions_and_delete_markers_newest_first_within_each_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=b"before versioning")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="doc", Body=b"1")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="doc", Body=b"22")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="doc")["VersionId"]
    other = s3.put_object(Bucket=bucket, Key="another", Body=b"x")["VersionId"]
    page = s3.list_object_versions(Bucket=bucket)
    assert page["IsTruncated"] is False and page["KeyMarker"] == "" and page["VersionIdMarker"] == ""
    versions = {item["VersionId"]: item for item in page["Versions"]}
    assert [(item["Key"], item["VersionId"], item["IsLatest"]) for item in page["Versions"]] == [
        ("another", other, True),
        ("doc", second, False),
        ("doc", first, False),
        ("plain", "null", True),
    ]
    assert [(item["Key"], item["VersionId"], item["IsLatest"]) for item in page["DeleteMarkers"]] == [
        ("doc", marker, True)
    ]
    owner = s3.list_buckets()["Owner"]["ID"]
    assert page["DeleteMarkers"][0]["Owner"]["ID"] == owner
    assert "ETag" not in page["DeleteMarkers"][0] and "Size" not in page["DeleteMarkers"][0]
    assert versions[second]["Size"] == 2 and versions[second]["Owner"]["ID"] == owner
    assert versions[second]["ETag"] == s3.head_object(Bucket=bucket, Key="doc", VersionId=second)["ETag"]
    assert versions["null"]["StorageClass"] == "STANDARD"
    # with Prefix and a delimiter
    s3.put_object(Bucket=bucket, Key="dir/a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="dir/a", Body=b"b")
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert page["CommonPrefixes"] == [{"Prefix": "dir/"}]
    assert len(s3.list_object_versions(Bucket=bucket, Prefix="dir/")["Versions"]) == 2
    assert "Versions" not in s3.list_object_versions(Bucket=bucket, Prefix="dir/", Delimiter="/", MaxKeys=0)


def test_unversioned_objects_have_the_null_version(s3, bucket):
    put_keys(s3, ["x", "y"])
    page = s3.list_object_versions(Bucket=bucket)
    assert [(item["Key"], item["VersionId"], item["IsLatest"]) for item in page["Versions"]] == [
        ("x", "null", True),
        ("y", "null", True),
    ]


@pytest.mark.parametrize("delimiter", [None, "/"])
@pytest.mark.parametrize("max_keys", [1, 2, 3])
def test_version_pages_walk_every_version_once(s3, bucket, delimiter, max_keys):
    s3.put_object(Bucket=bucket, Key="k0", Body=b"null version")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for round_ in range(3):
        for key in ("k0", "k1", "d/a", "d/b", "e/x"):
            s3.put_object(Bucket=bucket, Key=key, Body=f"{round_}".encode())
    s3.delete_object(Bucket=bucket, Key="k1")
    s3.delete_object(Bucket=bucket, Key="k1")
    extra = {"Delimiter": delimiter} if delimiter else {}
    everything = s3.list_object_versions(Bucket=bucket, **extra)
    expected_rows = _version_rows(everything)
    expected_prefixes = everything.get("CommonPrefixes", [])
    assert len(expected_rows) == (7 if delimiter else 16) + 2  # + two delete markers of k1
    seen_rows, seen_prefixes, markers = [], [], {}
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=max_keys, **extra, **markers)
        count = (
            len(page.get("Versions", []))
            + len(page.get("DeleteMarkers", []))
            + len(page.get("CommonPrefixes", []))
        )
        assert count <= max_keys
        seen_rows += _version_rows(page)
        seen_prefixes += page.get("CommonPrefixes", [])
        assert len(seen_rows) + len(seen_prefixes) <= len(expected_rows) + len(expected_prefixes), "no end"
        if not page["IsTruncated"]:
            assert "NextKeyMarker" not in page
            break
        markers = {"KeyMarker": page["NextKeyMarker"]}
        if "NextVersionIdMarker" in page:
            markers["VersionIdMarker"] = page["NextVersionIdMarker"]
    assert sorted(seen_rows) == sorted(expected_rows)
    assert len(seen_rows) == len(expected_rows)
    assert seen_prefixes == expected_prefixes


def test_version_pages_in_key_order_then_newest_first(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    written = {}
    for _ in range(3):
        for key in ("b", "a", "c"):
            written.setdefault(key, []).append(s3.put_object(Bucket=bucket, Key=key, Body=b"v")["VersionId"])
    order = []
    for page in s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}
    ):
        order += [(item["Key"], item["VersionId"]) for item in page["Versions"]]
    assert order == [(key, version) for key in ("a", "b", "c") for version in reversed(written[key])]
    # resuming inside a key after one of its versions, and after the null version of a key
    page = s3.list_object_versions(Bucket=bucket, KeyMarker="b", VersionIdMarker=written["b"][2])
    assert [(item["Key"], item["VersionId"]) for item in page["Versions"]][:2] == [
        ("b", written["b"][1]),
        ("b", written["b"][0]),
    ]
    page = s3.list_object_versions(Bucket=bucket, KeyMarker="b", VersionIdMarker="null")
    assert [item["Key"] for item in page["Versions"]] == ["c", "c", "c"]
    page = s3.list_object_versions(Bucket=bucket, KeyMarker="b")
    assert [item["Key"] for item in page["Versions"]] == ["c", "c", "c"]
    assert page["KeyMarker"] == "b"


def test_version_listing_url_encoding(s3, bucket):
    put_keys(s3, ["enc/sp ace/x.txt", "enc/a b+c&d=e?f#g%h~é.txt"])
    page = s3.list_object_versions(Bucket=bucket, EncodingType="url", Prefix="enc/", Delimiter="/", MaxKeys=1)
    assert page["EncodingType"] == "url"
    assert page["Versions"][0]["Key"] == RECORDED_ENCODINGS["enc/a b+c&d=e?f#g%h~é.txt"]
    assert page["NextKeyMarker"] == RECORDED_ENCODINGS["enc/a b+c&d=e?f#g%h~é.txt"]
    page = s3.list_object_versions(
        Bucket=bucket, EncodingType="url", Prefix="enc/", Delimiter="/", KeyMarker="enc/a b+c&d=e?f#g%h~é.txt"
    )
    assert page["KeyMarker"] == RECORDED_ENCODINGS["enc/a b+c&d=e?f#g%h~é.txt"]
    assert page["CommonPrefixes"] == [{"Prefix": "enc/sp+ace/"}]
    decoded = s3.list_object_versions(Bucket=bucket, Prefix="enc/", Delimiter="/")
    assert decoded["CommonPrefixes"] == [{"Prefix": "enc/sp ace/"}]


def test_version_listing_echoes_an_empty_delimiter(raw_s3, s3, bucket):
    put_keys(s3, ["a/b"])
    body = raw_body(raw_s3, "ListObjectVersions", Bucket=bucket, Delimiter="")
    assert "<Delimiter></Delimiter>" in body
    assert "<CommonPrefixes>" not in body
