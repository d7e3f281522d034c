"""S3 listing errors through boto3: missing buckets, another expected owner, foreign continuation
tokens, unknown encoding types, bad max-keys and version markers, and NUL in names.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .listing_support import bucket_fixture, error_of, s3_fixture  # noqa: F401

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
