"""S3 object listings through boto3: ListObjectsV2 and ListObjects (v1), with prefixes, delimiters,
continuation tokens, StartAfter and markers, paginators, `encoding-type=url`, and hostile and
unicode keys.
"""

from __future__ import annotations

import pytest

from .listing_support import (  # noqa: F401
    RECORDED_ENCODINGS,
    bucket_fixture,
    expected_entries,
    page_entries,
    put_keys,
    raw_body,
    raw_s3_fixture,
    s3_fixture,
    utf8_order,
)

# AWS's documented example (ListObjectsV2, "Listing keys using the prefix and delimiter").
DOC_KEYS = [
    "sample.jpg",
    "photos/2006/January/sample.jpg",
    "photos/2006/February/sample2.jpg",
    "photos/2006/February/sample3.jpg",
    "photos/2006/February/sample4.jpg",
]

# Folders of several keys, folders of one key, loose keys between them, nesting and unicode.
TREE_KEYS = (
    [f"logs/2024/{month:02d}/{day:02d}.gz" for month in range(1, 6) for day in range(1, 8)]
    + [f"logs/2025/{month:02d}/01.gz" for month in range(1, 4)]
    + [f"logs/readme-{n}.txt" for n in range(4)]
    + [f"photos/{name}/img-{n}.jpg" for name in ("cats", "dogs", "été", "日本") for n in range(3)]
    + [f"photos/single-{n}/only.jpg" for n in range(6)]
    + [f"top-{n:02d}" for n in range(10)]
    + ["photos/loose.jpg", "photos/zz/", "logs/", "a", "b/", "b//c", "zz/😀/x"]
)

HOSTILE_KEYS = [
    "a&b<c>d\"e'f",
    "sp ace",
    "plus+sign",
    "percent%20encoded",
    "question?mark=1&x",
    "hash#fragment",
    "back\\slash",
    "tab\tkey",
    "new\nline",
    "carriage\rreturn",
    "control\x01char",
    "unicode-é-日本-😀",
    "fullwidth～tilde",
    "~tilde",
    "semi;colon,comma:@$!*'()[]",
    "../../etc/passwd",
    "a//double//slash",
    " leading space",
    "trailing space ",
    ".",
    "..",
]


# ---------------------------------------------------------------------------------- ListObjectsV2


def test_keys_are_listed_in_utf8_binary_order_with_their_details(s3, bucket):
    keys = ["b", "B", "a", "a/b", "a b", "a-", "a~", "é", "日本", "～", "😀", "z" * 300, "Z"]
    put_keys(s3, keys)
    page = s3.list_objects_v2(Bucket=bucket)
    listed = [item["Key"] for item in page["Contents"]]
    # UTF-8 byte order: U+FF5E (EF BD 9E) sorts before U+1F600 (F0 9F 98 80), unlike UTF-16 order
    assert listed == utf8_order(keys)
    assert listed.index("～") < listed.index("😀")
    assert page["KeyCount"] == len(keys)
    assert page["IsTruncated"] is False
    assert page["MaxKeys"] == 1000
    assert page["Name"] == bucket
    assert page["Prefix"] == ""
    assert "NextContinuationToken" not in page and "Delimiter" not in page
    head = s3.head_object(Bucket=bucket, Key="a")
    entry = page["Contents"][listed.index("a")]
    assert entry["ETag"] == head["ETag"] and entry["ETag"].startswith('"')
    assert entry["Size"] == 1
    assert entry["StorageClass"] == "STANDARD"
    assert entry["LastModified"] == head["LastModified"]
    assert "Owner" not in entry


def test_fetch_owner_adds_the_canonical_owner(s3, bucket):
    put_keys(s3, ["one"])
    owner_id = s3.list_buckets()["Owner"]["ID"]
    entry = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]
    assert entry["Owner"]["ID"] == owner_id
    assert "Owner" not in s3.list_objects_v2(Bucket=bucket, FetchOwner=False)["Contents"][0]


def test_checksums_are_named_when_the_object_has_them(s3, bucket):
    s3.put_object(Bucket=bucket, Key="summed", Body=b"abc", ChecksumAlgorithm="SHA256")
    entry = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert entry["ChecksumAlgorithm"] == ["SHA256"]
    assert entry["ChecksumType"] == "FULL_OBJECT"


def test_prefix_and_delimiter_as_the_aws_documentation_shows(s3, bucket):
    put_keys(s3, DOC_KEYS)
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [item["Key"] for item in top["Contents"]] == ["sample.jpg"]
    assert top["CommonPrefixes"] == [{"Prefix": "photos/"}]
    assert top["Delimiter"] == "/"
    assert top["KeyCount"] == 2
    year = s3.list_objects_v2(Bucket=bucket, Prefix="photos/2006/", Delimiter="/")
    assert "Contents" not in year
    assert year["CommonPrefixes"] == [{"Prefix": "photos/2006/February/"}, {"Prefix": "photos/2006/January/"}]
    assert year["Prefix"] == "photos/2006/"
    only_prefix = s3.list_objects_v2(Bucket=bucket, Prefix="photos/2006/Feb")
    assert [item["Key"] for item in only_prefix["Contents"]] == DOC_KEYS[2:]
    assert "CommonPrefixes" not in only_prefix


def test_a_delimiter_other_than_slash_and_longer_than_one_character(s3, bucket):
    keys = ["a--b--c", "a--b", "a-b", "x--", "x", "y--z--"]
    put_keys(s3, keys)
    for delimiter in ("--", "-", "b", "😀"):
        page = s3.list_objects_v2(Bucket=bucket, Delimiter=delimiter)
        assert page_entries(page) == expected_entries(keys, delimiter=delimiter), delimiter
    page = s3.list_objects_v2(Bucket=bucket, Prefix="a--", Delimiter="--")
    assert page_entries(page) == expected_entries(keys, prefix="a--", delimiter="--")


def test_a_prefix_that_is_not_a_folder_and_one_that_matches_nothing(s3, bucket):
    put_keys(s3, TREE_KEYS)
    for prefix in ("ph", "photos/s", "logs/2024/0", "zz/😀", "nothing-here", "photos/zz/"):
        page = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, Delimiter="/")
        assert page_entries(page) == expected_entries(TREE_KEYS, prefix, "/"), prefix


@pytest.mark.parametrize("delimiter", ["", "/"])
@pytest.mark.parametrize("max_keys", [1, 3, 7])
def test_continuation_tokens_walk_every_entry_exactly_once(s3, bucket, delimiter, max_keys):
    put_keys(s3, TREE_KEYS)
    for prefix in ("", "photos/", "logs/"):
        expected = expected_entries(TREE_KEYS, prefix, delimiter)
        seen, token, pages = [], None, 0
        while True:
            params = {"Bucket": bucket, "MaxKeys": max_keys, "Prefix": prefix, "Delimiter": delimiter}
            if token:
                params["ContinuationToken"] = token
            page = s3.list_objects_v2(**params)
            pages += 1
            assert pages <= len(expected) + 1, "the listing does not end"
            entries = page_entries(page)
            assert page["KeyCount"] == len(entries) <= max_keys
            if token:
                assert page["ContinuationToken"] == token
            seen += entries
            if not page["IsTruncated"]:
                assert "NextContinuationToken" not in page
                break
            assert len(entries) == max_keys
            token = page["NextContinuationToken"]
        assert seen == expected, (prefix, delimiter, max_keys)
        assert pages == max(1, -(-len(expected) // max_keys))


def test_the_paginator_lists_a_few_hundred_keys(s3, bucket):
    keys = [f"bulk/{n:04d}/{'x' * (n % 7)}" for n in range(300)]
    put_keys(s3, keys)
    paginator = s3.get_paginator("list_objects_v2")
    listed = [
        item["Key"]
        for page in paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": 40})
        for item in page["Contents"]
    ]
    assert listed == utf8_order(keys)
    pages = list(paginator.paginate(Bucket=bucket, Prefix="bulk/01", PaginationConfig={"PageSize": 33}))
    assert [item["Key"] for page in pages for item in page["Contents"]] == utf8_order(
        [key for key in keys if key.startswith("bulk/01")]
    )
    assert len(pages) == 4  # 100 keys in pages of 33


def test_start_after(s3, bucket):
    put_keys(s3, TREE_KEYS)
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="photos/cats/img-1.jpg")
    assert page["StartAfter"] == "photos/cats/img-1.jpg"
    assert page_entries(page) == expected_entries(TREE_KEYS, after="photos/cats/img-1.jpg")
    # StartAfter is a plain position: a folder it points into is listed again with a delimiter
    page = s3.list_objects_v2(
        Bucket=bucket, StartAfter="photos/cats/img-1.jpg", Prefix="photos/", Delimiter="/"
    )
    assert page_entries(page)[0] == ("prefix", "photos/cats/")
    # a StartAfter before the prefix starts at the prefix; one past it lists nothing
    assert page_entries(
        s3.list_objects_v2(Bucket=bucket, Prefix="photos/", StartAfter="a")
    ) == expected_entries(TREE_KEYS, "photos/")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="photos/", StartAfter="q")
    # with a continuation token, the token decides where the page starts (StartAfter is echoed)
    first = s3.list_objects_v2(Bucket=bucket, MaxKeys=2)
    second = s3.list_objects_v2(
        Bucket=bucket, MaxKeys=2, StartAfter="zz", ContinuationToken=first["NextContinuationToken"]
    )
    assert page_entries(second) == expected_entries(TREE_KEYS)[2:4]
    assert second["StartAfter"] == "zz"


def test_max_keys_zero_and_above_the_page_limit(s3, bucket):
    put_keys(s3, ["a", "b", "c"])
    empty = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert empty["KeyCount"] == 0 and empty["IsTruncated"] is False and empty["MaxKeys"] == 0
    assert "Contents" not in empty and "NextContinuationToken" not in empty
    many = s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)
    assert many["MaxKeys"] == 5000 and many["KeyCount"] == 3


def test_objects_whose_latest_version_is_a_delete_marker_are_not_listed(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put_keys(s3, ["keep", "gone", "dir/gone", "dir2/kept", "dir2/gone"])
    for key in ("gone", "dir/gone", "dir2/gone"):
        s3.delete_object(Bucket=bucket, Key=key)
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["dir2/kept", "keep"]
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    # a folder holding only deleted objects is no common prefix
    assert page_entries(page) == [("prefix", "dir2/"), ("key", "keep")]
    assert page["KeyCount"] == 2
    assert [item["Key"] for item in s3.list_objects(Bucket=bucket)["Contents"]] == ["dir2/kept", "keep"]


def test_hostile_keys_round_trip(s3, raw_s3, bucket):
    put_keys(s3, HOSTILE_KEYS)
    listed = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page["Contents"]
    ]
    assert listed == utf8_order(HOSTILE_KEYS)
    assert [item["Key"] for item in s3.list_objects(Bucket=bucket)["Contents"]] == utf8_order(HOSTILE_KEYS)
    # without url encoding, what XML can carry comes back as it is (markup escaped, CR kept)
    printable = [key for key in HOSTILE_KEYS if "\x01" not in key]
    raw = raw_s3.list_objects_v2(Bucket=bucket)
    assert "EncodingType" not in raw
    assert [
        item["Key"] for item in raw["Contents"] if "\x01" not in item["Key"] and "control" not in item["Key"]
    ] == (utf8_order(printable))
    for key in printable:
        page = s3.list_objects_v2(Bucket=bucket, Prefix=key)
        assert page["Contents"][0]["Key"] == key
        assert page["Prefix"] == key


def test_encoding_type_url_encodes_names_as_s3_does(s3, bucket):
    put_keys(s3, list(RECORDED_ENCODINGS))
    # Asked for by the caller, the answer is not decoded by boto3: we see S3's own text.
    page = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Prefix="enc/")
    assert page["EncodingType"] == "url"
    assert sorted(item["Key"] for item in page["Contents"]) == sorted(RECORDED_ENCODINGS.values())
    page = s3.list_objects_v2(
        Bucket=bucket, EncodingType="url", Prefix="enc/", Delimiter=" ", StartAfter="enc/a b"
    )
    assert page["Delimiter"] == "+"
    assert page["StartAfter"] == "enc/a+b"
    assert {"Prefix": "enc/a+"} in page["CommonPrefixes"]
    assert {"Prefix": "enc/sp+"} in page["CommonPrefixes"]
    page = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Prefix="enc/a b+")
    assert page["Prefix"] == "enc/a+b%2B"
    # boto3's own (default) encoding is decoded again: the caller sees the real names
    assert sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]) == sorted(
        RECORDED_ENCODINGS
    )


def test_without_encoding_no_encoding_type_comes_back(raw_s3, s3, bucket):
    put_keys(s3, ["a b"])
    body = raw_body(raw_s3, "ListObjectsV2", Bucket=bucket, Delimiter="")
    assert "<EncodingType>" not in body and "<Delimiter>" not in body
    assert "<Key>a b</Key>" in body and "<Prefix></Prefix>" in body


# ---------------------------------------------------------------------------------- ListObjects (v1)


def test_list_objects_v1_shape(s3, raw_s3, bucket):
    put_keys(s3, DOC_KEYS)
    page = s3.list_objects(Bucket=bucket)
    assert page["Marker"] == "" and page["IsTruncated"] is False and page["MaxKeys"] == 1000
    assert [item["Key"] for item in page["Contents"]] == utf8_order(DOC_KEYS)
    assert all(item["Owner"]["ID"] == s3.list_buckets()["Owner"]["ID"] for item in page["Contents"])
    assert "KeyCount" not in page and "NextMarker" not in page
    body = raw_body(raw_s3, "ListObjects", Bucket=bucket, MaxKeys=1)
    assert "<Marker></Marker>" in body and "<IsTruncated>true</IsTruncated>" in body
    assert "<NextMarker>" not in body  # only given with a delimiter
    assert "<DisplayName>" not in body


def test_list_objects_v1_pages_by_marker_without_a_delimiter(s3, bucket):
    put_keys(s3, TREE_KEYS)
    seen, marker = [], ""
    while True:
        page = s3.list_objects(Bucket=bucket, MaxKeys=9, Marker=marker)
        assert page["Marker"] == marker
        assert len(seen) <= len(TREE_KEYS), "the listing does not end"
        assert "NextMarker" not in page
        keys = [item["Key"] for item in page.get("Contents", [])]
        seen += keys
        if not page["IsTruncated"]:
            break
        marker = keys[-1]  # what S3 says to do when NextMarker is missing
    assert seen == utf8_order(TREE_KEYS)


@pytest.mark.parametrize("max_keys", [1, 2, 5])
def test_list_objects_v1_pages_by_next_marker_with_a_delimiter(s3, bucket, max_keys):
    put_keys(s3, TREE_KEYS)
    for prefix in ("", "photos/", "logs/2024/"):
        seen, marker = [], None
        while True:
            params = {"Bucket": bucket, "MaxKeys": max_keys, "Prefix": prefix, "Delimiter": "/"}
            if marker is not None:
                params["Marker"] = marker
            page = s3.list_objects(**params)
            entries = page_entries(page)
            seen += entries
            assert len(seen) <= len(TREE_KEYS), "the listing does not end"
            if not page["IsTruncated"]:
                assert "NextMarker" not in page
                break
            assert page["NextMarker"] == entries[-1][1]  # a key or a common prefix
            marker = page["NextMarker"]
        assert seen == expected_entries(TREE_KEYS, prefix, "/"), (prefix, max_keys)


def test_list_objects_v1_paginator_and_url_encoding(s3, bucket):
    put_keys(s3, list(RECORDED_ENCODINGS) + HOSTILE_KEYS)
    paginator = s3.get_paginator("list_objects")
    pages = list(paginator.paginate(Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 3}))
    seen = [entry for page in pages for entry in page_entries(page)]
    assert seen == expected_entries(list(RECORDED_ENCODINGS) + HOSTILE_KEYS, delimiter="/")
    page = s3.list_objects(
        Bucket=bucket, EncodingType="url", Prefix="enc/", Delimiter="/", MaxKeys=1, Marker="enc/a"
    )
    assert page["Marker"] == "enc/a"
    assert page["Contents"][0]["Key"] == RECORDED_ENCODINGS["enc/a b+c&d=e?f#g%h~é.txt"]
    assert page["NextMarker"] == RECORDED_ENCODINGS["enc/a b+c&d=e?f#g%h~é.txt"]
