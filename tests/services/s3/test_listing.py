"""S3 listings through boto3: ListObjects, ListObjectsV2 and ListObjectVersions, with prefixes,
delimiters, every kind of page marker, `encoding-type=url`, hostile and unicode keys, versions
and delete markers, and the errors for bad arguments. A few unit tests pin the pieces whose cases
are many (URL encoding, prefix successors, tokens)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from botocore.handlers import set_list_objects_encoding_type_url

from stratus.services.s3.listing_args import Resume, decode_token, encode_name, encode_token, page_size
from stratus.services.s3.listing_scan import is_common_prefix, successor

BUCKET = "listing-bucket"

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

# Keys and the form Amazon S3 returns for each under encoding-type=url (recorded from S3).
RECORDED_ENCODINGS = {
    "enc/a b+c&d=e?f#g%h~é.txt": "enc/a+b%2Bc%26d%3De%3Ff%23g%25h%7E%C3%A9.txt",
    "enc/semi;colon,comma:@$!*'()[].txt": "enc/semi%3Bcolon%2Ccomma%3A%40%24%21*%27%28%29%5B%5D.txt",
    "enc/tab\tkey.txt": "enc/tab%09key.txt",
    "enc/sp ace/x.txt": "enc/sp+ace/x.txt",
}


# ---------------------------------------------------------------------------------- helpers


@pytest.fixture
def s3(aws_client):
    return aws_client("s3")


@pytest.fixture
def raw_s3(aws_client):
    """A client that does not ask for encoding-type=url behind the caller's back."""
    client = aws_client("s3")
    for operation in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        client.meta.events.unregister(
            f"before-parameter-build.s3.{operation}", set_list_objects_encoding_type_url
        )
    return client


@pytest.fixture
def bucket(s3):
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


# ---------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2", "list_object_versions"])
def test_listing_a_missing_bucket(s3, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket="no-such-bucket-here")
    assert error_of(excinfo) == ("NoSuchBucket", "The specified bucket does not exist")
    assert excinfo.value.response["Error"]["BucketName"] == "no-such-bucket-here"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2", "list_object_versions"])
def test_another_expected_owner_is_refused(s3, bucket, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert error_of(excinfo)[0] == "AccessDenied"


@pytest.mark.parametrize("token", ["garbage!", "", "bm90LWEtdG9rZW4", "MUs", "=="])
def test_a_continuation_token_we_did_not_give_is_refused(s3, bucket, token):
    with pytest.raises(ClientError) as excinfo:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken=token)
    assert error_of(excinfo) == ("InvalidArgument", "The continuation token provided is incorrect")
    assert excinfo.value.response["Error"]["ArgumentName"] == "continuation-token"


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2", "list_object_versions"])
def test_an_unknown_encoding_type_is_refused(s3, bucket, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket=bucket, EncodingType="base64")
    assert error_of(excinfo) == ("InvalidArgument", "Invalid Encoding Method specified in Request")
    assert excinfo.value.response["Error"]["ArgumentName"] == "encoding-type"
    assert excinfo.value.response["Error"]["ArgumentValue"] == "base64"


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2"])
def test_negative_max_keys_for_the_object_listings(s3, bucket, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket=bucket, MaxKeys=-1)
    assert error_of(excinfo) == (
        "InvalidArgument",
        "Argument maxKeys must be an integer between 0 and 2147483647",
    )
    assert excinfo.value.response["Error"]["ArgumentName"] == "maxKeys"
    assert excinfo.value.response["Error"]["ArgumentValue"] == "-1"


def test_negative_max_keys_for_the_version_listing(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, MaxKeys=-1)
    assert error_of(excinfo) == ("InvalidArgument", "max-keys cannot be negative")
    assert excinfo.value.response["Error"]["ArgumentName"] == "max-keys"
    assert "ArgumentValue" not in excinfo.value.response["Error"]


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2", "list_object_versions"])
def test_max_keys_beyond_the_integer_range(s3, bucket, operation):
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket=bucket, MaxKeys=2**31)
    assert error_of(excinfo) == (
        "InvalidArgument",
        "Provided max-keys not an integer or within integer range",
    )
    assert excinfo.value.response["Error"]["ArgumentValue"] == str(2**31)
    assert getattr(s3, operation)(Bucket=bucket, MaxKeys=2**31 - 1)["MaxKeys"] == 2**31 - 1


@pytest.mark.parametrize(
    ("markers", "message"),
    [
        ({"VersionIdMarker": "null"}, "A version-id marker cannot be specified without a key marker."),
        ({"KeyMarker": "k", "VersionIdMarker": ""}, "A version-id marker cannot be empty."),
        ({"KeyMarker": "k", "VersionIdMarker": "bad-vid"}, "Invalid version id specified"),
        (
            {"KeyMarker": "", "VersionIdMarker": "nonexistent-version-id-12345"},
            "Invalid version id specified",
        ),
    ],
)
def test_bad_version_id_markers(s3, bucket, markers, message):
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, **markers)
    assert error_of(excinfo) == ("InvalidArgument", message)
    assert excinfo.value.response["Error"]["ArgumentName"] == "version-id-marker"


def test_max_keys_is_judged_before_the_version_marker_and_the_encoding(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, MaxKeys=2**31, VersionIdMarker="x", EncodingType="bad")
    assert error_of(excinfo)[1] == "Provided max-keys not an integer or within integer range"
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, VersionIdMarker="x", EncodingType="bad")
    assert error_of(excinfo)[1] == "A version-id marker cannot be specified without a key marker."


@pytest.mark.parametrize(
    ("operation", "params", "argument"),
    [
        ("list_objects_v2", {"Prefix": "a\x00"}, "prefix"),
        ("list_objects", {"Marker": "\x00"}, "marker"),
        ("list_object_versions", {"KeyMarker": "\x00"}, "key-marker"),
    ],
)
def test_nul_in_a_name_is_refused(s3, bucket, operation, params, argument):
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket=bucket, **params)
    assert error_of(excinfo) == (
        "InvalidArgument",
        "Value must be a sequence of Unicode characters and cannot include Null.",
    )
    assert excinfo.value.response["Error"]["ArgumentName"] == argument


# ---------------------------------------------------------------------------------- units


@pytest.mark.parametrize(("key", "encoded"), list(RECORDED_ENCODINGS.items()))
def test_url_encoding_matches_s3_recordings(key, encoded):
    assert encode_name(key) == encoded


def test_prefix_successors():
    assert successor("photos/") == "photos0"
    assert successor("a\U0010ffff") == "b"
    assert successor("\U0010ffff") is None
    assert successor("\ud7ff") == "\ue000"  # surrogates never appear in a UTF-8 key
    for text in ("a", "photos/", "日本/", "x😀"):
        upper = successor(text)
        assert text < text + "\U0010ffff" * 3 < upper
        assert upper.encode() > (text + "\U0010ffff").encode()


def test_common_prefix_markers():
    assert is_common_prefix("photos/", "", "/")
    assert is_common_prefix("photos/2006/", "photos/", "/")
    assert not is_common_prefix("photos/2006/", "", "/")
    assert not is_common_prefix("photos", "", "/")
    assert not is_common_prefix("photos/", "", "")


def test_tokens_round_trip():
    for resume in (Resume("a"), Resume("photos/", common_prefix=True), Resume("日本 😀~/x")):
        token = encode_token(resume)
        assert "=" not in token and "+" not in token and "/" not in token
        assert decode_token(token) == resume


def test_page_sizes():
    assert page_size(None) == (1000, 1000)
    assert page_size(0) == (0, 0)
    assert page_size(5000) == (5000, 1000)
    assert page_size(2**31 - 1, versions=True) == (2**31 - 1, 1000)


@pytest.mark.parametrize(
    ("query", "name"), [("list-type=2&max-keys=abc", "max-keys"), ("uploads&max-uploads=x", "max-uploads")]
)
def test_a_page_size_that_is_not_an_integer(stratus_endpoint, s3, bucket, query, name):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{stratus_endpoint}/{bucket}?{query}")  # boto3 refuses to send it
    body = caught.value.read().decode()
    assert caught.value.code == 400
    assert "<Code>InvalidArgument</Code>" in body
    assert f"<Message>Provided {name} not an integer or within integer range</Message>" in body
    assert f"<ArgumentName>{name}</ArgumentName>" in body
