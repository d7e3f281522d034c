"""Buckets: naming rules, location constraints, re-creation, HeadBucket, ListBuckets, DeleteBucket,
GetBucketLocation and the versioning switch, as the S3 API reference and User Guide describe them."""

import re

import pytest
from botocore.exceptions import ClientError

from .support import enable_versioning, error_fields, error_of, headers_of, status_of

OTHER_ACCOUNT = "111111111111"

# "General purpose bucket naming rules" (S3 User Guide).
VALID_NAMES = [
    "abc",  # 3 characters: the minimum
    "a" * 63,  # the maximum
    "my-bucket",
    "my.bucket.name",
    "1bucket",
    "bucket1",
    "a-b.c-d.e",
    "xn-bucket",  # only `xn--` is reserved
    "sthree",  # only `sthree-` is reserved
    "bucket-s3alias-not-at-the-end",
    "192.168.5",  # three numbers are not an IP address
]
INVALID_NAMES = [
    "ab",  # too short
    "a" * 64,  # too long
    "MyBucket",  # uppercase
    "my_bucket",  # underscore
    "-bucket",  # must begin with a letter or number
    "bucket-",  # must end with a letter or number
    ".bucket",
    "bucket.",
    "my..bucket",  # two adjacent periods
    "192.168.5.4",  # formatted as an IP address
    "10.0.0.1",
    "xn--bucket",  # reserved prefixes
    "sthree-bucket",
    "sthree-configurator-bucket",
    "amzn-s3-demo-bucket",
    "bucket-s3alias",  # reserved suffixes
    "bucket--ol-s3",
    "bucket.mrap",
    "bucket--table-s3",
    # (`--x-s3` is reserved too, but boto3 takes such a name for a directory bucket and goes to
    # S3 Express instead, so it cannot be tested through this client.)
]


@pytest.fixture
def s3_eu(aws_client):
    return aws_client("s3", region_name="eu-west-1")


@pytest.fixture
def s3_other(aws_client):
    """The same default region, another account (a 12-digit access key selects the account)."""
    return aws_client("s3", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="test")


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", VALID_NAMES)
def test_valid_bucket_names_are_accepted(s3, name):
    s3.create_bucket(Bucket=name)
    assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_invalid_bucket_names_are_refused(s3, name):
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket=name)
    assert error_of(caught)[0] == "InvalidBucketName"
    assert status_of(caught) == 400
    assert error_fields(caught)["BucketName"] == name
    # Message as AWS sends it; not found in AWS's documentation.
    assert error_of(caught)[1] == "The specified bucket is not valid."


# ---------------------------------------------------------------------------- location constraints


def test_us_east_1_without_location_constraint(s3):
    response = s3.create_bucket(Bucket="plain-bucket")
    assert response["Location"] == "/plain-bucket"
    assert s3.get_bucket_location(Bucket="plain-bucket")["LocationConstraint"] is None


def test_us_east_1_refuses_an_explicit_us_east_1_constraint(s3):
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(
            Bucket="explicit-east", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
    code, message = error_of(caught)
    assert (code, status_of(caught)) == ("InvalidLocationConstraint", 400)
    assert message == "The specified location-constraint is not valid"  # as AWS answers (seen in the wild)
    assert "explicit-east" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_us_east_1_endpoint_creates_buckets_in_other_regions(s3):
    # "If you send your create bucket request to the s3.amazonaws.com endpoint, the request goes to
    # the us-east-1 Region" and the bucket is created where the location constraint says.
    s3.create_bucket(Bucket="made-in-ireland", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket="made-in-ireland")["LocationConstraint"] == "eu-west-1"


def test_regional_endpoint_requires_a_location_constraint(s3_eu):
    with pytest.raises(ClientError) as caught:
        s3_eu.create_bucket(Bucket="no-constraint")
    code, message = error_of(caught)
    assert (code, status_of(caught)) == ("IllegalLocationConstraintException", 400)
    assert message == (
        "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
    )


def test_regional_endpoint_refuses_a_mismatched_constraint(s3_eu):
    with pytest.raises(ClientError) as caught:
        s3_eu.create_bucket(
            Bucket="wrong-place", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    code, message = error_of(caught)
    assert (code, status_of(caught)) == ("IllegalLocationConstraintException", 400)
    assert message == (
        "The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to."
    )


def test_regional_endpoint_with_matching_constraint(s3_eu, s3):
    response = s3_eu.create_bucket(
        Bucket="irish-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "irish-bucket" in response["Location"]
    assert s3_eu.get_bucket_location(Bucket="irish-bucket")["LocationConstraint"] == "eu-west-1"
    head = s3_eu.head_bucket(Bucket="irish-bucket")
    assert headers_of(head)["x-amz-bucket-region"] == "eu-west-1"
    assert head["BucketRegion"] == "eu-west-1"


# ---------------------------------------------------------------------------- creating again


def test_recreating_own_bucket_outside_us_east_1_is_already_owned(s3_eu):
    config = {"LocationConstraint": "eu-west-1"}
    s3_eu.create_bucket(Bucket="twice-eu", CreateBucketConfiguration=config)
    with pytest.raises(ClientError) as caught:
        s3_eu.create_bucket(Bucket="twice-eu", CreateBucketConfiguration=config)
    assert error_of(caught)[0] == "BucketAlreadyOwnedByYou"
    assert status_of(caught) == 409
    assert error_fields(caught)["BucketName"] == "twice-eu"


def test_recreating_own_bucket_in_us_east_1_succeeds_and_keeps_contents(s3):
    # "For legacy compatibility, if you re-create an existing bucket that you already own in the
    # North Virginia Region, Amazon S3 returns 200 OK".
    s3.create_bucket(Bucket="twice-east")
    s3.put_object(Bucket="twice-east", Key="kept", Body=b"still here")
    response = s3.create_bucket(Bucket="twice-east")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket="twice-east", Key="kept")["Body"].read() == b"still here"


def test_recreating_through_us_east_1_a_bucket_that_lives_elsewhere_is_already_owned(s3):
    # The legacy 200 is for buckets in North Virginia only.
    s3.create_bucket(Bucket="lives-in-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket="lives-in-eu")
    assert (error_of(caught)[0], status_of(caught)) == ("BucketAlreadyOwnedByYou", 409)


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_another_accounts_bucket_name_is_taken(aws_client, s3, region):
    s3.create_bucket(Bucket="taken-name")
    other = aws_client(
        "s3", region_name=region, aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="test"
    )
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    with pytest.raises(ClientError) as caught:
        other.create_bucket(Bucket="taken-name", **config)
    code, message = error_of(caught)
    assert (code, status_of(caught)) == ("BucketAlreadyExists", 409)
    assert error_fields(caught)["BucketName"] == "taken-name"
    # The model's documentation of BucketAlreadyExists; AWS's live wording may differ slightly.
    assert message.startswith("The requested bucket name is not available.")


# ---------------------------------------------------------------------------- HeadBucket


def test_head_bucket_reports_its_region(s3, bucket):
    response = s3.head_bucket(Bucket=bucket)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert headers_of(response)["x-amz-bucket-region"] == "us-east-1"
    assert response["BucketRegion"] == "us-east-1"


def test_head_missing_bucket_is_a_bodyless_404(s3):
    with pytest.raises(ClientError) as caught:
        s3.head_bucket(Bucket="never-created")
    assert status_of(caught) == 404
    # A HEAD response has no body: botocore can only name the status.
    assert error_of(caught) == ("404", "Not Found")


# ---------------------------------------------------------------------------- ListBuckets


def test_list_buckets_shows_only_the_callers_buckets(s3, s3_other):
    s3.create_bucket(Bucket="mine-one")
    s3.create_bucket(Bucket="mine-two")
    s3_other.create_bucket(Bucket="theirs")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["mine-one", "mine-two"]
    assert [b["Name"] for b in s3_other.list_buckets()["Buckets"]] == ["theirs"]


def test_list_buckets_entries(s3, s3_eu):
    s3.create_bucket(Bucket="east-bucket")
    s3_eu.create_bucket(Bucket="west-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    buckets = {b["Name"]: b for b in s3.list_buckets()["Buckets"]}
    assert set(buckets) == {"east-bucket", "west-bucket"}
    assert buckets["east-bucket"]["BucketRegion"] == "us-east-1"
    assert buckets["west-bucket"]["BucketRegion"] == "eu-west-1"
    assert buckets["east-bucket"]["CreationDate"].tzinfo is not None


def test_list_buckets_owner_is_a_stable_canonical_id(s3, s3_other):
    s3.create_bucket(Bucket="owned")
    first = s3.list_buckets()["Owner"]["ID"]
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert s3.list_buckets()["Owner"]["ID"] == first
    assert s3_other.list_buckets()["Owner"]["ID"] != first


def test_list_buckets_prefix(s3):
    for name in ("logs-a", "logs-b", "data-a"):
        s3.create_bucket(Bucket=name)
    response = s3.list_buckets(Prefix="logs-")
    assert [b["Name"] for b in response["Buckets"]] == ["logs-a", "logs-b"]
    assert response["Prefix"] == "logs-"


def test_list_buckets_region_filter(s3, s3_eu):
    s3.create_bucket(Bucket="east-one")
    s3_eu.create_bucket(Bucket="west-one", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert [b["Name"] for b in s3.list_buckets(BucketRegion="eu-west-1")["Buckets"]] == ["west-one"]
    assert [b["Name"] for b in s3.list_buckets(BucketRegion="us-east-1")["Buckets"]] == ["east-one"]


def test_list_buckets_pages_with_max_buckets(s3):
    names = [f"page-bucket-{i}" for i in range(5)]
    for name in names:
        s3.create_bucket(Bucket=name)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxBuckets": 2, **({"ContinuationToken": token} if token else {})}
        response = s3.list_buckets(**kwargs)
        pages += 1
        assert len(response["Buckets"]) <= 2
        seen += [b["Name"] for b in response["Buckets"]]
        token = response.get("ContinuationToken")
        if not token:
            break
    assert seen == names
    assert pages == 3


def test_list_buckets_paginator(s3):
    for i in range(3):
        s3.create_bucket(Bucket=f"paged-{i}")
    pages = list(s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 1}))
    assert [b["Name"] for page in pages for b in page["Buckets"]] == ["paged-0", "paged-1", "paged-2"]


# ---------------------------------------------------------------------------- DeleteBucket


def test_delete_empty_bucket(s3, bucket):
    response = s3.delete_bucket(Bucket=bucket)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        s3.head_bucket(Bucket=bucket)
    assert status_of(caught) == 404
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_delete_bucket_with_an_object_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="inside", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket=bucket)
    assert (error_of(caught)[0], status_of(caught)) == ("BucketNotEmpty", 409)
    assert error_fields(caught)["BucketName"] == bucket
    # Message as AWS sends it; not found in AWS's documentation.
    assert error_of(caught)[1] == "The bucket you tried to delete is not empty"


def test_delete_bucket_holding_only_a_delete_marker_is_refused(s3, bucket):
    enable_versioning(s3, bucket)
    version = s3.put_object(Bucket=bucket, Key="gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="gone")  # leaves a delete marker
    s3.delete_object(Bucket=bucket, Key="gone", VersionId=version)  # only the marker remains
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket=bucket)
    assert (error_of(caught)[0], status_of(caught)) == ("BucketNotEmpty", 409)


def test_delete_missing_bucket(s3):
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket="no-such-bucket-here")
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchBucket", 404)
    assert error_fields(caught)["BucketName"] == "no-such-bucket-here"
    assert error_of(caught)[1] == "The specified bucket does not exist"


def test_deleted_bucket_name_can_be_reused(s3, s3_other, bucket):
    s3.delete_bucket(Bucket=bucket)
    s3_other.create_bucket(Bucket=bucket)
    assert [b["Name"] for b in s3_other.list_buckets()["Buckets"]] == [bucket]


# ---------------------------------------------------------------------------- GetBucketLocation


def test_get_bucket_location_of_missing_bucket(s3):
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_location(Bucket="not-a-bucket")
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchBucket", 404)


# ---------------------------------------------------------------------------- versioning switch


def test_versioning_never_enabled_has_no_status(s3, bucket):
    response = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in response
    assert "MFADelete" not in response


def test_versioning_enabled_then_suspended(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_versioning_bad_status_is_malformed_xml(s3, bucket):
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "On"})
    assert (error_of(caught)[0], status_of(caught)) == ("MalformedXML", 400)
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_versioning_of_missing_bucket(s3):
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_versioning(Bucket="not-a-bucket")
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchBucket", 404)
