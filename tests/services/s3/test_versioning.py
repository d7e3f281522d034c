"""Versioning: version ids, reading and deleting versions, delete markers, suspended buckets and
their `null` versions ("Using versioning in S3 buckets", "Working with delete markers")."""

import pytest
from botocore.exceptions import ClientError

from .support import (
    enable_versioning,
    error_fields,
    error_of,
    headers_of,
    read_body,
    status_of,
    suspend_versioning,
)


@pytest.fixture
def versioned(s3, bucket) -> str:
    enable_versioning(s3, bucket)
    return bucket


def _gone_version_id(s3, bucket: str) -> str:
    """A version id S3 really issued, whose version was then deleted for good (well formed, unknown)."""
    version = s3.put_object(Bucket=bucket, Key="scratch", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="scratch", VersionId=version)
    return version


# ---------------------------------------------------------------------------- version ids


def test_unversioned_bucket_gives_no_version_ids(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "VersionId" not in put
    assert "VersionId" not in s3.head_object(Bucket=bucket, Key="k")


def test_each_put_gets_its_own_version(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    assert first and second and first != second
    assert "null" not in (first, second)
    latest = s3.get_object(Bucket=versioned, Key="k")
    assert latest["VersionId"] == second
    assert latest["Body"].read() == b"two"
    assert headers_of(latest)["x-amz-version-id"] == second


def test_get_and_head_of_a_specific_version(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one", Metadata={"n": "1"})["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"two", Metadata={"n": "2"})
    old = s3.get_object(Bucket=versioned, Key="k", VersionId=first)
    assert old["Body"].read() == b"one"
    assert old["VersionId"] == first
    assert old["Metadata"] == {"n": "1"}
    head = s3.head_object(Bucket=versioned, Key="k", VersionId=first)
    assert head["ContentLength"] == 3
    assert head["VersionId"] == first


def test_delete_of_a_specific_version_removes_it_for_good(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    response = s3.delete_object(Bucket=versioned, Key="k", VersionId=first)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert response["VersionId"] == first
    assert "DeleteMarker" not in response
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="k", VersionId=first)
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchVersion", 404)
    assert s3.get_object(Bucket=versioned, Key="k")["VersionId"] == second


def test_deleting_the_latest_version_makes_the_previous_one_current(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="k", VersionId=second)
    latest = s3.get_object(Bucket=versioned, Key="k")
    assert latest["VersionId"] == first
    assert latest["Body"].read() == b"one"


def test_objects_written_before_versioning_are_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    enable_versioning(s3, bucket)
    newer = s3.put_object(Bucket=bucket, Key="k", Body=b"after")["VersionId"]
    assert newer != "null"
    old = s3.get_object(Bucket=bucket, Key="k", VersionId="null")
    assert old["Body"].read() == b"before"
    assert old["VersionId"] == "null"


# ---------------------------------------------------------------------------- delete markers


@pytest.fixture
def marked(s3, versioned) -> dict:
    """A key with one version under a delete marker."""
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    deleted = s3.delete_object(Bucket=versioned, Key="k")
    return {"version": version, "marker": deleted["VersionId"], "response": deleted}


def test_delete_creates_a_delete_marker(marked):
    response = marked["response"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert response["DeleteMarker"] is True
    assert headers_of(response)["x-amz-delete-marker"] == "true"
    assert marked["marker"] not in (None, "null", marked["version"])


def test_get_of_a_key_under_a_delete_marker(s3, versioned, marked):
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="k")
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchKey", 404)
    assert headers_of(caught)["x-amz-delete-marker"] == "true"
    assert headers_of(caught)["x-amz-version-id"] == marked["marker"]


def test_head_of_a_key_under_a_delete_marker(s3, versioned, marked):
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=versioned, Key="k")
    assert status_of(caught) == 404
    assert headers_of(caught)["x-amz-delete-marker"] == "true"


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_reading_the_delete_marker_version_is_method_not_allowed(s3, versioned, marked, method):
    with pytest.raises(ClientError) as caught:
        getattr(s3, method)(Bucket=versioned, Key="k", VersionId=marked["marker"])
    assert status_of(caught) == 405
    assert headers_of(caught)["x-amz-delete-marker"] == "true"
    # documented (GetObject, DeleteMarker): "returns a 405 Method Not Allowed error and the
    # Last-Modified: timestamp response header"
    assert "last-modified" in headers_of(caught)
    if method == "get_object":
        assert error_of(caught)[0] == "MethodNotAllowed"
        # Message as AWS sends it; not found in AWS's documentation.
        assert error_of(caught)[1] == "The specified method is not allowed against this resource."


def test_versions_under_a_delete_marker_stay_readable(s3, versioned, marked):
    assert read_body(s3, versioned, "k", VersionId=marked["version"]) == b"kept"


def test_deleting_the_delete_marker_restores_the_object(s3, versioned, marked):
    response = s3.delete_object(Bucket=versioned, Key="k", VersionId=marked["marker"])
    assert response["DeleteMarker"] is True
    assert response["VersionId"] == marked["marker"]
    restored = s3.get_object(Bucket=versioned, Key="k")
    assert restored["Body"].read() == b"kept"
    assert restored["VersionId"] == marked["version"]


def test_deleting_twice_stacks_delete_markers(s3, versioned, marked):
    again = s3.delete_object(Bucket=versioned, Key="k")
    assert again["DeleteMarker"] is True
    assert again["VersionId"] != marked["marker"]
    s3.delete_object(Bucket=versioned, Key="k", VersionId=again["VersionId"])
    with pytest.raises(ClientError) as caught:  # the first marker is current again
        s3.get_object(Bucket=versioned, Key="k")
    assert headers_of(caught)["x-amz-version-id"] == marked["marker"]


def test_delete_of_a_missing_key_in_a_versioned_bucket_makes_a_marker(s3, versioned):
    response = s3.delete_object(Bucket=versioned, Key="never-existed")
    assert response["DeleteMarker"] is True
    assert response["VersionId"]


def test_delete_objects_in_a_versioned_bucket(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="a", Body=b"a1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="b", Body=b"b1")
    response = s3.delete_objects(
        Bucket=versioned, Delete={"Objects": [{"Key": "a", "VersionId": first}, {"Key": "b"}]}
    )
    deleted = {d["Key"]: d for d in response["Deleted"]}
    assert deleted["a"]["VersionId"] == first
    assert "DeleteMarker" not in deleted["a"]
    assert deleted["b"]["DeleteMarker"] is True
    marker = deleted["b"]["DeleteMarkerVersionId"]
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="b")
    assert headers_of(caught)["x-amz-version-id"] == marker
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="a", VersionId=first)
    assert error_of(caught)[0] == "NoSuchVersion"


# ---------------------------------------------------------------------------- suspended


def test_suspended_bucket_writes_null_versions(s3, versioned):
    real = s3.put_object(Bucket=versioned, Key="k", Body=b"real")["VersionId"]
    suspend_versioning(s3, versioned)
    first_null = s3.put_object(Bucket=versioned, Key="k", Body=b"null one")
    assert first_null["VersionId"] == "null"
    second_null = s3.put_object(Bucket=versioned, Key="k", Body=b"null two")
    assert second_null["VersionId"] == "null"
    latest = s3.get_object(Bucket=versioned, Key="k")
    assert latest["Body"].read() == b"null two"
    assert latest["VersionId"] == "null"
    # the second null version replaced the first one; the real version is kept
    assert read_body(s3, versioned, "k", VersionId="null") == b"null two"
    assert read_body(s3, versioned, "k", VersionId=real) == b"real"
    # deleting the null version for good leaves the real one current
    s3.delete_object(Bucket=versioned, Key="k", VersionId="null")
    assert read_body(s3, versioned, "k") == b"real"


def test_delete_in_a_suspended_bucket_puts_a_null_delete_marker(s3, versioned):
    real = s3.put_object(Bucket=versioned, Key="k", Body=b"real")["VersionId"]
    suspend_versioning(s3, versioned)
    s3.put_object(Bucket=versioned, Key="k", Body=b"null body")
    response = s3.delete_object(Bucket=versioned, Key="k")
    assert response["DeleteMarker"] is True
    assert response["VersionId"] == "null"
    # the marker took the null version's place
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="k", VersionId="null")
    assert status_of(caught) == 405
    assert read_body(s3, versioned, "k", VersionId=real) == b"real"


def test_reenabling_keeps_the_null_version(s3, versioned):
    suspend_versioning(s3, versioned)
    s3.put_object(Bucket=versioned, Key="k", Body=b"null body")
    enable_versioning(s3, versioned)
    newer = s3.put_object(Bucket=versioned, Key="k", Body=b"newer")["VersionId"]
    assert newer != "null"
    assert read_body(s3, versioned, "k", VersionId="null") == b"null body"


# ---------------------------------------------------------------------------- version id errors


@pytest.mark.parametrize("method", ["get_object", "delete_object", "get_object_tagging"])
def test_malformed_version_id_is_invalid_argument(s3, versioned, method):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        getattr(s3, method)(Bucket=versioned, Key="k", VersionId="not a version id!")
    assert (error_of(caught)[0], status_of(caught)) == ("InvalidArgument", 400)
    # Message and fields as AWS sends them; not found in AWS's documentation.
    assert error_of(caught)[1] == "Invalid version id specified"
    assert error_fields(caught)["ArgumentName"] == "versionId"
    assert error_fields(caught)["ArgumentValue"] == "not a version id!"


def test_malformed_version_id_on_head_is_a_bodyless_400(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=versioned, Key="k", VersionId="not a version id!")
    assert status_of(caught) == 400


def test_unknown_version_id_is_no_such_version(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    gone = _gone_version_id(s3, versioned)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="k", VersionId=gone)
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchVersion", 404)
    assert error_fields(caught)["Key"] == "k"
    assert error_fields(caught)["VersionId"] == gone
    # Message as AWS sends it; not found in AWS's documentation.
    assert error_of(caught)[1] == ("The specified version does not exist.")


def test_another_keys_version_id_is_no_such_version(s3, versioned):
    other = s3.put_object(Bucket=versioned, Key="other", Body=b"x")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=versioned, Key="k", VersionId=other)
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchVersion", 404)


def test_deleting_an_unknown_version_succeeds(s3, versioned):
    gone = _gone_version_id(s3, versioned)
    response = s3.delete_object(Bucket=versioned, Key="scratch", VersionId=gone)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_null_version_of_an_unversioned_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"plain")
    assert read_body(s3, bucket, "k", VersionId="null") == b"plain"


def test_delete_of_the_null_version_of_an_unversioned_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"plain")
    response = s3.delete_object(Bucket=bucket, Key="k", VersionId="null")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_of(caught)[0] == "NoSuchKey"
