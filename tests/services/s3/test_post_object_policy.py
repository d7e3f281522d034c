"""Browser uploads (POST Object) held to their POST policy: expiration (SigV4 and SigV2), exact,
starts-with and content-length-range conditions, field coverage, case-insensitive field names,
and malformed policy documents.
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from .post_object_support import (
    multipart,
    post,
    s3v4_fixture,  # noqa: F401
    send,
)

# ---------------------------------------------------------------------------------------- the policy


def test_an_expired_policy_is_refused(s3, s3v4, bucket, stratus_server):
    presigned = s3v4.generate_presigned_post(bucket, "late.txt", ExpiresIn=60)
    stratus_server.advance_clock(120)
    answer = post(presigned)
    assert answer.status == 403
    error = answer.error()
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Invalid according to Policy: Policy expired.",
    )


def test_a_form_signed_after_the_clock_moved_lives_its_full_time(bucket, stratus_server, stratus_endpoint):
    stratus_server.advance_clock(3600)
    # Signed (by the client's real clock) a second from now, so surely after the move; IAM is off,
    # so the signature itself is not checked.
    signed_at = time.time() + 1
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(signed_at + 60))
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(signed_at))
    credential = f"test/{amz_date[:8]}/us-east-1/s3/aws4_request"
    fields = {
        "key": "late.txt",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": credential,
        "x-amz-date": amz_date,
    }
    policy = {
        "expiration": expiration,
        "conditions": [{"bucket": bucket}, *({k: v} for k, v in fields.items())],
    }
    fields["policy"] = base64.b64encode(json.dumps(policy).encode()).decode()
    fields["x-amz-signature"] = "0" * 64
    content_type, body = multipart(fields)
    assert send(f"{stratus_endpoint}/{bucket}", body, content_type).status == 204


def test_an_expired_sigv2_policy_is_refused(s3, bucket, stratus_server):
    presigned = s3.generate_presigned_post(bucket, "late.txt", ExpiresIn=60)
    stratus_server.advance_clock(120)
    assert post(presigned).error()["Message"] == "Invalid according to Policy: Policy expired."


def test_a_failed_starts_with_condition(s3, s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "user/eric/${filename}")
    presigned["fields"]["key"] = "user/other/x.txt"
    answer = post(presigned)
    assert answer.status == 403
    error = answer.error()
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/eric/"]'
    )
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key="user/other/x.txt")


def test_a_failed_exact_condition_is_shown_as_eq(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(
        bucket, "k", Fields={"Content-Type": "text/plain"}, Conditions=[{"Content-Type": "text/html"}]
    )
    assert post(presigned).error()["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "text/html"]'
    )


def test_a_condition_on_an_absent_field_fails(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "k", Conditions=[["starts-with", "$Content-Type", ""]])
    error = post(presigned).error()
    assert error["Message"].endswith('Policy Condition failed: ["starts-with", "$Content-Type", ""]')


def test_content_type_lists_must_all_match(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(
        bucket,
        "k",
        Fields={"Content-Type": "image/jpg,image/png"},
        Conditions=[["starts-with", "$Content-Type", "image/"]],
    )
    assert post(presigned).status == 204
    presigned["fields"]["Content-Type"] = "image/jpg,text/plain"
    assert post(presigned).status == 403


def test_the_bucket_condition_names_the_bucket_posted_to(s3, s3v4, bucket):
    s3.create_bucket(Bucket="another-bucket")
    presigned = s3v4.generate_presigned_post(bucket, "k")
    presigned["url"] = presigned["url"].replace(bucket, "another-bucket")
    error = post(presigned).error()
    assert (
        error["Message"]
        == f'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "{bucket}"]'
    )


def test_every_field_must_be_covered_by_a_condition(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "k")
    answer = post(presigned, extra={"x-amz-meta-note": "hi", "x-ignore-tracking": "1"})
    assert answer.status == 403
    assert answer.error()["Message"] == "Invalid according to Policy: Extra input fields: x-amz-meta-note"
    assert post(presigned, extra={"x-ignore-tracking": "1"}).status == 204


def test_field_names_are_case_insensitive(s3, s3v4, bucket):
    presigned = s3v4.generate_presigned_post(
        bucket, "k", Conditions=[["starts-with", "$CONTENT-type", "text/"]]
    )
    fields = {name.upper() if name != "key" else "Key": value for name, value in presigned["fields"].items()}
    fields["Content-Type"] = "text/csv"
    content_type, body = multipart(fields)
    assert send(presigned["url"], body, content_type).status == 204
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "text/csv"


@pytest.mark.parametrize(
    ("size", "code", "extra"),
    [
        (12, "EntityTooLarge", {"ProposedSize": "12", "MaxSizeAllowed": "10"}),
        (1, "EntityTooSmall", {"ProposedSize": "1", "MinSizeAllowed": "5"}),
    ],
)
def test_content_length_range(s3, s3v4, bucket, size, code, extra):
    presigned = s3v4.generate_presigned_post(bucket, "sized", Conditions=[["content-length-range", 5, 10]])
    answer = post(presigned, file=("f", b"x" * size))
    assert answer.status == 400
    error = answer.error()
    assert error["Code"] == code
    assert {name: error[name] for name in extra} == extra
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key="sized")
    for fitting in (5, 10):  # the bounds are inclusive
        assert post(presigned, file=("f", b"x" * fitting)).status == 204


def test_a_large_file_over_the_range_is_not_stored(s3, s3v4, bucket):
    presigned = s3v4.generate_presigned_post(
        bucket, "big", Conditions=[["content-length-range", 0, 1024 * 1024]]
    )
    answer = post(presigned, file=("f", b"y" * (2 * 1024 * 1024 + 5)))
    assert answer.error()["ProposedSize"] == str(2 * 1024 * 1024 + 5)
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key="big")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"not json", "Invalid Policy: Invalid JSON."),
        (json.dumps({"conditions": []}).encode(), "Invalid Policy: Policy missing expiration."),
        (
            json.dumps({"expiration": "2099-01-01T00:00:00Z"}).encode(),
            "Invalid Policy: Policy missing conditions.",
        ),
        (
            json.dumps({"expiration": "2099-01-01 00:00:00", "conditions": []}).encode(),
            "Invalid Policy: Invalid 'expiration' value: '2099-01-01 00:00:00'",
        ),
        (
            json.dumps({"expiration": "2099-01-01T00:00:00Z", "conditions": [{"a": "1", "b": "2"}]}).encode(),
            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.",
        ),
        (
            json.dumps(
                {"expiration": "2099-01-01T00:00:00Z", "conditions": [["content-length-range", 0]]}
            ).encode(),
            "Invalid Policy: Invalid content-length-range: wrong number of arguments.",
        ),
    ],
)
def test_a_malformed_policy_document(stratus_endpoint, bucket, document, message):
    fields = {
        "key": "k",
        "AWSAccessKeyId": "test",
        "policy": base64.b64encode(document).decode(),
        "signature": "x",
    }
    content_type, body = multipart(fields)
    answer = send(f"{stratus_endpoint}/{bucket}", body, content_type)
    assert answer.status == 400
    assert answer.error() | {"RequestId": "", "HostId": ""} == {
        "Code": "InvalidPolicyDocument",
        "Message": message,
        "RequestId": "",
        "HostId": "",
    }
