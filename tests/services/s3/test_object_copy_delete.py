"""Objects: errors, DeleteObject(s), CopyObject and object tags, as the S3 API reference describes them."""

from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

from .support import (
    enable_versioning,
    error_fields,
    error_of,
    read_body,
    status_of,
)

# ---------------------------------------------------------------------------- errors


def test_get_missing_key(s3, bucket):
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="missing/key.txt")
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchKey", 404)
    assert error_fields(caught)["Key"] == "missing/key.txt"
    assert error_of(caught)[1] == "The specified key does not exist."


@pytest.mark.parametrize("operation", ["get_object", "put_object", "delete_object", "get_object_tagging"])
def test_object_operations_on_a_missing_bucket(s3, operation):
    with pytest.raises(ClientError) as caught:
        getattr(s3, operation)(Bucket="no-such-bucket-here", Key="k")
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchBucket", 404)
    assert error_fields(caught)["BucketName"] == "no-such-bucket-here"
    assert error_of(caught)[1] == "The specified bucket does not exist"


def test_head_missing_key_has_no_body(s3, bucket):
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="missing")
    assert status_of(caught) == 404
    assert error_of(caught) == ("404", "Not Found")


def test_head_object_on_a_missing_bucket(s3):
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket="no-such-bucket-here", Key="k")
    assert status_of(caught) == 404
    assert error_of(caught)[0] == "404"


# ---------------------------------------------------------------------------- DeleteObject(s)


def test_delete_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    response = s3.delete_object(Bucket=bucket, Key="k")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "DeleteMarker" not in response
    assert "VersionId" not in response
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_of(caught)[0] == "NoSuchKey"


def test_delete_missing_key_is_204(s3, bucket):
    response = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects_verbose(s3, bucket):
    for key in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    response = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "never-existed"}]}
    )
    assert sorted(d["Key"] for d in response["Deleted"]) == ["a", "b", "never-existed"]
    assert "Errors" not in response
    for key in ("a", "b"):
        with pytest.raises(ClientError):
            s3.head_object(Bucket=bucket, Key=key)


def test_delete_objects_quiet(s3, bucket):
    for key in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    response = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}], "Quiet": True}
    )
    assert "Deleted" not in response
    assert "Errors" not in response
    for key in ("a", "b"):
        with pytest.raises(ClientError):
            s3.head_object(Bucket=bucket, Key=key)


def test_delete_objects_reports_per_key_errors(s3, bucket):
    s3.put_object(Bucket=bucket, Key="good", Body=b"x")
    response = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "good"}, {"Key": "bad", "VersionId": "not a version id!"}]}
    )
    assert [d["Key"] for d in response["Deleted"]] == ["good"]
    [error] = response["Errors"]
    assert error["Key"] == "bad"
    assert error["VersionId"] == "not a version id!"
    # Not documented which code AWS gives a malformed version id here; GetObject's is InvalidArgument.
    assert error["Code"] == "InvalidArgument"


def test_delete_objects_quiet_still_reports_errors(s3, bucket):
    s3.put_object(Bucket=bucket, Key="good", Body=b"x")
    response = s3.delete_objects(
        Bucket=bucket,
        Delete={
            "Objects": [{"Key": "good"}, {"Key": "bad", "VersionId": "not a version id!"}],
            "Quiet": True,
        },
    )
    assert "Deleted" not in response
    assert [error["Key"] for error in response["Errors"]] == ["bad"]


def test_delete_objects_over_1000_keys_is_malformed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="key-0", Body=b"x")
    objects = [{"Key": f"key-{i}"} for i in range(1001)]
    with pytest.raises(ClientError) as caught:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
    assert (error_of(caught)[0], status_of(caught)) == ("MalformedXML", 400)
    assert read_body(s3, bucket, "key-0") == b"x"  # nothing was deleted


def test_delete_objects_exactly_1000_keys(s3, bucket):
    objects = [{"Key": f"key-{i}"} for i in range(1000)]
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


# ---------------------------------------------------------------------------- CopyObject


@pytest.fixture
def source(s3, bucket) -> dict:
    body = b"source body"
    etag = s3.put_object(
        Bucket=bucket,
        Key="source",
        Body=body,
        ContentType="text/plain",
        Metadata={"origin": "original"},
        Tagging="team=blue",
    )["ETag"]
    return {"body": body, "etag": etag}


def test_copy_keeps_metadata_by_default(s3, bucket, source):
    result = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "source"})
    assert result["CopyObjectResult"]["ETag"] == source["etag"]
    assert result["CopyObjectResult"]["LastModified"].tzinfo is not None
    got = s3.get_object(Bucket=bucket, Key="copy")
    assert got["Body"].read() == source["body"]
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"origin": "original"}
    assert s3.get_object_tagging(Bucket=bucket, Key="copy")["TagSet"] == [{"Key": "team", "Value": "blue"}]


def test_copy_with_replace_takes_metadata_from_the_request(s3, bucket, source):
    s3.copy_object(
        Bucket=bucket,
        Key="copy",
        CopySource={"Bucket": bucket, "Key": "source"},
        MetadataDirective="REPLACE",
        Metadata={"fresh": "yes"},
        ContentType="application/json",
    )
    head = s3.head_object(Bucket=bucket, Key="copy")
    assert head["Metadata"] == {"fresh": "yes"}
    assert head["ContentType"] == "application/json"
    assert read_body(s3, bucket, "copy") == source["body"]


def test_copy_with_replace_and_no_content_type_gets_the_default(s3, bucket, source):
    s3.copy_object(
        Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "source"}, MetadataDirective="REPLACE"
    )
    head = s3.head_object(Bucket=bucket, Key="copy")
    assert head["Metadata"] == {}
    assert head["ContentType"] == "binary/octet-stream"


def test_copy_to_itself_without_changes_is_refused(s3, bucket, source):
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="source", CopySource={"Bucket": bucket, "Key": "source"})
    code, message = error_of(caught)
    assert (code, status_of(caught)) == ("InvalidRequest", 400)
    assert message == (
        "This copy request is illegal because it is trying to copy an object to itself without changing the "
        "object's metadata, storage class, website redirect location or encryption attributes."
    )


def test_copy_to_itself_with_replace_updates_metadata(s3, bucket, source):
    s3.copy_object(
        Bucket=bucket,
        Key="source",
        CopySource={"Bucket": bucket, "Key": "source"},
        MetadataDirective="REPLACE",
        Metadata={"origin": "rewritten"},
    )
    head = s3.head_object(Bucket=bucket, Key="source")
    assert head["Metadata"] == {"origin": "rewritten"}
    assert read_body(s3, bucket, "source") == source["body"]


def test_copy_source_if_match(s3, bucket, source):
    ok = s3.copy_object(
        Bucket=bucket,
        Key="copy",
        CopySource={"Bucket": bucket, "Key": "source"},
        CopySourceIfMatch=source["etag"],
    )
    assert ok["CopyObjectResult"]["ETag"] == source["etag"]
    with pytest.raises(ClientError) as caught:
        s3.copy_object(
            Bucket=bucket,
            Key="copy-2",
            CopySource={"Bucket": bucket, "Key": "source"},
            CopySourceIfMatch='"00000000000000000000000000000000"',
        )
    assert (error_of(caught)[0], status_of(caught)) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="copy-2")


def test_copy_source_if_none_match_matching_is_412(s3, bucket, source):
    # For copies, a failed If-None-Match is a 412 (there is no 304 for a write).
    with pytest.raises(ClientError) as caught:
        s3.copy_object(
            Bucket=bucket,
            Key="copy",
            CopySource={"Bucket": bucket, "Key": "source"},
            CopySourceIfNoneMatch=source["etag"],
        )
    assert (error_of(caught)[0], status_of(caught)) == ("PreconditionFailed", 412)


def test_copy_across_buckets(s3, bucket, source):
    s3.create_bucket(Bucket="destination-bucket")
    s3.copy_object(Bucket="destination-bucket", Key="moved/copy", CopySource=f"{bucket}/source")
    assert read_body(s3, "destination-bucket", "moved/copy") == source["body"]
    assert read_body(s3, bucket, "source") == source["body"]  # the source stays


def test_copy_of_a_hostile_key(s3, bucket):
    key = "dir/ä b+c%d?e#f"
    s3.put_object(Bucket=bucket, Key=key, Body=b"odd")
    s3.copy_object(Bucket=bucket, Key="plain", CopySource={"Bucket": bucket, "Key": key})
    assert read_body(s3, bucket, "plain") == b"odd"


def test_copy_of_a_source_version(s3, bucket):
    enable_versioning(s3, bucket)
    first = s3.put_object(Bucket=bucket, Key="versioned", Body=b"first")["VersionId"]
    s3.put_object(Bucket=bucket, Key="versioned", Body=b"second")
    result = s3.copy_object(
        Bucket=bucket, Key="restored", CopySource={"Bucket": bucket, "Key": "versioned", "VersionId": first}
    )
    assert result["CopySourceVersionId"] == first
    assert result["VersionId"] not in (None, "null", first)
    assert read_body(s3, bucket, "restored") == b"first"


def test_copy_of_a_missing_source(s3, bucket):
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "absent"})
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": "no-such-bucket-here", "Key": "k"})
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchBucket", 404)


def test_copy_with_tagging_replace(s3, bucket, source):
    s3.copy_object(
        Bucket=bucket,
        Key="copy",
        CopySource={"Bucket": bucket, "Key": "source"},
        TaggingDirective="REPLACE",
        Tagging="team=red&stage=prod",
    )
    tags = s3.get_object_tagging(Bucket=bucket, Key="copy")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("stage", "prod"), ("team", "red")]


# ---------------------------------------------------------------------------- tagging


def test_tagging_header_on_put_and_tag_count(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging=urlencode({"team": "blue", "note": "a b&c=d"}))
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    assert s3.head_object(Bucket=bucket, Key="k")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("note", "a b&c=d"), ("team", "blue")]


def test_no_tags(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_put_get_delete_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="old=1")
    s3.put_object_tagging(
        Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]}
    )
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("a", "1"), ("b", "")]
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    response = s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="k")


def test_more_than_ten_tags_is_invalid(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    tag_set = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with pytest.raises(ClientError) as caught:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": tag_set})
    assert (error_of(caught)[0], status_of(caught)) == ("InvalidTag", 400)
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_more_than_ten_tags_in_the_header_is_invalid(s3, bucket):
    header = urlencode({f"k{i}": "v" for i in range(11)})
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging=header)
    assert (error_of(caught)[0], status_of(caught)) == ("InvalidTag", 400)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_ten_tags_are_allowed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging=urlencode({f"k{i}": "v" for i in range(10)}))
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 10


def test_tagging_a_missing_key(s3, bucket):
    with pytest.raises(ClientError) as caught:
        s3.put_object_tagging(Bucket=bucket, Key="absent", Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    assert (error_of(caught)[0], status_of(caught)) == ("NoSuchKey", 404)
