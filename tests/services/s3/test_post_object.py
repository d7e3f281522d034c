"""Browser uploads (POST Object): an HTML form posted to the bucket's URL, authorized by a POST
policy that boto3's `generate_presigned_post` signs (SigV4 and SigV2), answered as S3 answers it:
204/200/201/303 on success; the policy's expiration, conditions and field coverage enforced; the
file streamed and held to the content-length-range; the signature checked when IAM is on."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http import client as http_client
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.config import Config

from stratus.services.s3 import post_form
from stratus.testing import post_json

from .support import quoted_md5

switches_iam = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def error(self) -> dict[str, str]:
        root = ET.fromstring(self.body)
        assert root.tag == "Error", self.body
        return {child.tag: child.text or "" for child in root}


def multipart(
    fields, file=("photo.txt", b"hello world"), *, after_file=(), boundary=None
) -> tuple[str, bytes]:
    """A form body as a browser sends it: the fields, then the file, then anything after it."""
    boundary = boundary or uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in list(fields.items() if isinstance(fields, dict) else fields):
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() if isinstance(value, str) else value)
        out.write(b"\r\n")
    if file is not None:
        filename, content = file
        named = f'; filename="{filename}"' if filename is not None else ""
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"{named}\r\n'.encode())
        out.write(b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
    for name, value in after_file:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def send(url: str, body: bytes, content_type: str, headers: dict | None = None) -> Answer:
    parts = urlsplit(url)
    connection = http_client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.request("POST", parts.path or "/", body, {"Content-Type": content_type, **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def post(presigned: dict, *, file=("photo.txt", b"hello world"), extra=None, drop=(), **kwargs) -> Answer:
    fields = {name: value for name, value in presigned["fields"].items() if name not in drop}
    fields.update(extra or {})
    content_type, body = multipart(fields, file, **kwargs)
    return send(presigned["url"], body, content_type)


@pytest.fixture
def s3v4(aws_client):
    return aws_client("s3", config=Config(signature_version="s3v4", retries={"max_attempts": 1}))


# ---------------------------------------------------------------------------------------- success


def test_sigv4_form_uploads_with_the_file_name(s3, s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "uploads/${filename}")
    assert presigned["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    answer = post(presigned, file=("C:\\Users\\me\\report.txt", b"quarterly numbers"))
    assert answer.status == 204 and answer.body == b""
    assert answer.headers["etag"] == quoted_md5(b"quarterly numbers")
    assert answer.headers["location"].endswith(f"/{bucket}/uploads%2Freport.txt")
    stored = s3.get_object(Bucket=bucket, Key="uploads/report.txt")
    assert stored["Body"].read() == b"quarterly numbers"
    assert stored["ContentType"] == "binary/octet-stream"  # the Content-Type field sets it, not the part


def test_sigv2_form_uploads(s3, bucket):
    presigned = s3.generate_presigned_post(bucket, "v2.txt")
    assert "AWSAccessKeyId" in presigned["fields"] and "signature" in presigned["fields"]
    assert post(presigned, file=("x", b"legacy")).status == 204
    assert s3.get_object(Bucket=bucket, Key="v2.txt")["Body"].read() == b"legacy"


def test_success_action_status_201_answers_a_post_response(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(
        bucket,
        "docs/a b.txt",
        Fields={"success_action_status": "201"},
        Conditions=[{"success_action_status": "201"}],
    )
    answer = post(presigned, file=("a b.txt", b"body"))
    assert answer.status == 201
    assert answer.headers["content-type"] == "application/xml"
    root = ET.fromstring(answer.body)
    assert root.tag == "PostResponse"
    assert root.findtext("Bucket") == bucket
    assert root.findtext("Key") == "docs/a b.txt"
    assert root.findtext("ETag") == quoted_md5(b"body")
    assert root.findtext("Location").endswith(f"/{bucket}/docs%2Fa%20b.txt")


@pytest.mark.parametrize(("asked", "status"), [("200", 200), ("204", 204), ("404", 204)])
def test_success_action_status_200_and_default_204(s3v4, bucket, asked, status):
    presigned = s3v4.generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_status": asked},
        Conditions=[{"success_action_status": asked}],
    )
    answer = post(presigned)
    assert (answer.status, answer.body) == (status, b"")


def test_success_action_redirect_sends_the_browser_on(s3v4, bucket):
    target = "https://app.example.com/done?upload=1"
    presigned = s3v4.generate_presigned_post(
        bucket,
        "photos/cat.jpg",
        Fields={"success_action_redirect": target},
        Conditions=[["starts-with", "$success_action_redirect", "https://app.example.com/"]],
    )
    answer = post(presigned, file=("cat.jpg", b"meow"))
    assert answer.status == 303
    location = answer.headers["location"]
    assert location.startswith(target + "&bucket=")
    assert "key=photos%2Fcat.jpg" in location
    query = parse_qs(urlsplit(location).query)
    assert query["bucket"] == [bucket] and query["key"] == ["photos/cat.jpg"]
    assert query["etag"] == [quoted_md5(b"meow")]


def test_a_relative_redirect_is_ignored(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": "/relative/page"},
        Conditions=[["starts-with", "$success_action_redirect", ""]],
    )
    assert post(presigned).status == 204


def test_headers_metadata_tags_and_acl_fields(s3, s3v4, bucket):
    tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag></TagSet></Tagging>"
    fields = {
        "Content-Type": "image/png",
        "Cache-Control": "max-age=60",
        "Content-Disposition": "inline",
        "x-amz-meta-Owner": "priya",
        "tagging": tagging,
        "acl": "private",
        "x-amz-storage-class": "STANDARD_IA",
    }
    presigned = s3v4.generate_presigned_post(
        bucket,
        "img.png",
        Fields=fields,
        Conditions=[
            ["starts-with", "$Content-Type", "image/"],
            {"Cache-Control": "max-age=60"},
            ["eq", "$Content-Disposition", "inline"],
            ["starts-with", "$x-amz-meta-owner", ""],
            {"tagging": tagging},
            {"acl": "private"},
            {"x-amz-storage-class": "STANDARD_IA"},
        ],
    )
    assert post(presigned, file=("img.png", b"\x89PNG")).status == 204
    head = s3.head_object(Bucket=bucket, Key="img.png")
    assert head["ContentType"] == "image/png"
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == "inline"
    assert head["Metadata"] == {"owner": "priya"}
    assert head["StorageClass"] == "STANDARD_IA"
    assert s3.get_object_tagging(Bucket=bucket, Key="img.png")["TagSet"] == [{"Key": "team", "Value": "blue"}]


def test_a_versioned_bucket_answers_the_version_id(s3, s3v4, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    answer = post(s3v4.generate_presigned_post(bucket, "v.txt"))
    assert answer.status == 204
    assert answer.headers["x-amz-version-id"] == s3.head_object(Bucket=bucket, Key="v.txt")["VersionId"]


def test_a_large_file_streams_through(s3, s3v4, bucket):
    content = os.urandom(3 * 1024 * 1024 + 17)  # past the in-memory spool and the inline limit
    presigned = s3v4.generate_presigned_post(
        bucket, "big.bin", Conditions=[["content-length-range", 1, 10 * 1024 * 1024]]
    )
    answer = post(presigned, file=("big.bin", content))
    assert answer.status == 204
    assert answer.headers["etag"] == quoted_md5(content)
    assert s3.get_object(Bucket=bucket, Key="big.bin")["Body"].read() == content


def test_virtual_host_form_posts_to_slash(s3, s3v4, bucket, stratus_endpoint):
    presigned = s3v4.generate_presigned_post(bucket, "vhost.txt")
    content_type, body = multipart(presigned["fields"], ("vhost.txt", b"by host"))
    port = urlsplit(stratus_endpoint).port
    answer = send(
        f"{stratus_endpoint}/",
        body,
        content_type,
        {"Host": f"{bucket}.s3.localhost.localstack.cloud:{port}"},
    )
    assert answer.status == 204
    assert answer.headers["location"] == f"http://{bucket}.s3.localhost.localstack.cloud:{port}/vhost.txt"
    assert s3.get_object(Bucket=bucket, Key="vhost.txt")["Body"].read() == b"by host"


def test_an_anonymous_form_without_policy_is_accepted_with_iam_off(s3, bucket, stratus_endpoint):
    content_type, body = multipart({"key": "anon.txt", "x-amz-meta-any": "thing"}, ("a", b"open"))
    assert send(f"{stratus_endpoint}/{bucket}", body, content_type).status == 204
    assert s3.head_object(Bucket=bucket, Key="anon.txt")["Metadata"] == {"any": "thing"}


def test_the_upload_is_in_the_request_log(s3v4, bucket, stratus_endpoint):
    post(s3v4.generate_presigned_post(bucket, "logged.txt"))
    post(s3v4.generate_presigned_post(bucket, "logged.txt"), drop=("key",))
    with_log = json.loads(http_get(f"{stratus_endpoint}/_stratus/requests?service=s3&limit=2"))["requests"]
    assert [(entry["operation"], entry["status"], entry["error_code"]) for entry in with_log] == [
        ("PostObject", 204, None),
        ("PostObject", 400, "InvalidArgument"),
    ]


def http_get(url: str) -> bytes:
    parts = urlsplit(url)
    connection = http_client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        return connection.getresponse().read()
    finally:
        connection.close()


def test_cors_headers_on_the_answer(s3, s3v4, bucket):
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["POST"]}]
        },
    )
    presigned = s3v4.generate_presigned_post(bucket, "cors.txt")
    content_type, body = multipart(presigned["fields"])
    answer = send(presigned["url"], body, content_type, {"Origin": "https://app.example.com"})
    assert answer.status == 204
    assert answer.headers["access-control-allow-origin"] == "https://app.example.com"


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


# ---------------------------------------------------------------------------------------- the form


def test_a_form_without_a_file(s3v4, bucket):
    error = post(s3v4.generate_presigned_post(bucket, "k"), file=None).error()
    assert error == error | {
        "Code": "InvalidArgument",
        "Message": "POST requires exactly one file upload per request.",
        "ArgumentName": "file",
        "ArgumentValue": "0",
    }


def test_fields_after_the_file_are_ignored(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "k")
    error = post(presigned, drop=("key",), after_file=[("key", "k")]).error()
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == (
        "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."
    )
    assert error["ArgumentName"] == "key"


def test_a_missing_signature_field(s3v4, bucket):
    error = post(s3v4.generate_presigned_post(bucket, "k"), drop=("x-amz-signature",)).error()
    assert error["Code"] == "InvalidArgument"
    assert error["ArgumentName"] == "X-Amz-Signature"
    assert error["Message"].startswith("Bucket POST must contain a field named 'X-Amz-Signature'.")


def test_content_md5_is_checked(s3, s3v4, bucket):
    good = base64.b64encode(hashlib.md5(b"exact", usedforsecurity=False).digest()).decode()
    presigned = s3v4.generate_presigned_post(
        bucket, "md5", Fields={"Content-MD5": good}, Conditions=[["starts-with", "$Content-MD5", ""]]
    )
    assert post(presigned, file=("f", b"exact")).status == 204
    assert post(presigned, file=("f", b"other")).error()["Code"] == "BadDigest"


def test_a_missing_bucket(stratus_endpoint):
    content_type, body = multipart({"key": "k"})
    answer = send(f"{stratus_endpoint}/no-such-bucket-here", body, content_type)
    assert answer.status == 404
    assert answer.error()["Code"] == "NoSuchBucket"


def test_a_body_that_is_not_multipart(stratus_endpoint, bucket):
    answer = send(f"{stratus_endpoint}/{bucket}", b"key=k", "multipart/form-data")  # no boundary
    assert answer.status == 400
    assert answer.error()["Code"] == "MalformedPOSTRequest"
    content_type, body = multipart({"key": "k"})
    truncated = send(f"{stratus_endpoint}/{bucket}", body[: body.index(b"hello") + 3], content_type)
    assert truncated.error()["Code"] == "MalformedPOSTRequest"


def test_fields_before_the_file_are_limited_to_20_kb(stratus_endpoint, bucket):
    content_type, body = multipart({"key": "k", "x-ignore-padding": "p" * 21000})
    answer = send(f"{stratus_endpoint}/{bucket}", body, content_type)
    assert answer.status == 400
    error = answer.error()
    assert error["Code"] == "MaxPostPreDataLengthExceeded"
    assert error["MaxPostPreDataLengthBytes"] == "20480"


# ---------------------------------------------------------------------------------------- IAM on


@switches_iam
def test_with_iam_on_the_signature_is_verified(s3, s3v4, bucket, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    good = s3v4.generate_presigned_post(bucket, "signed.txt")
    assert post(good).status == 204
    forged = dict(good, fields=dict(good["fields"], **{"x-amz-signature": "0" * 64}))
    answer = post(forged)
    assert answer.status == 403
    error = answer.error()
    assert error["Code"] == "SignatureDoesNotMatch"
    assert error["StringToSign"] == good["fields"]["policy"]
    assert error["SignatureProvided"] == "0" * 64
    v2 = s3.generate_presigned_post(bucket, "v2.txt")
    assert post(v2).status == 204
    assert (
        post(dict(v2, fields=dict(v2["fields"], signature="AAAA"))).error()["Code"] == "SignatureDoesNotMatch"
    )


@switches_iam
def test_with_iam_on_an_unknown_key_is_refused(aws_client, bucket, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    stranger = aws_client(
        "s3",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
        config=Config(signature_version="s3v4"),
    )
    error = post(stranger.generate_presigned_post(bucket, "k")).error()
    assert (error["Code"], error["AWSAccessKeyId"]) == ("InvalidAccessKeyId", "AKIAIOSFODNN7EXAMPLE")


@switches_iam
def test_with_iam_on_the_signer_needs_s3_put_object(aws_client, s3, bucket, stratus_endpoint):
    iam = aws_client("iam")
    iam.create_user(UserName="uploader")
    key = iam.create_access_key(UserName="uploader")["AccessKey"]
    uploader = aws_client(
        "s3",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(signature_version="s3v4"),
    )
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    answer = post(uploader.generate_presigned_post(bucket, "k"))
    assert answer.status == 403 and answer.error()["Code"] == "AccessDenied"
    iam.put_user_policy(
        UserName="uploader",
        PolicyName="put",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
                ],
            }
        ),
    )
    assert post(uploader.generate_presigned_post(bucket, "k")).status == 204


def test_with_iam_off_any_signature_is_accepted(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "k")
    presigned["fields"]["x-amz-signature"] = "f" * 64
    assert post(presigned).status == 204


# ---------------------------------------------------------------------------------------- the parser


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 4096])
def test_the_parser_finds_every_boundary_whatever_the_read_size(monkeypatch, chunk):
    monkeypatch.setattr(post_form, "READ_CHUNK", chunk)
    boundary = "XyZ123"
    content = b"--XyZ12\r\n--XyZ1\r\n" + bytes(range(256)) * 3 + b"\r\n--XyZ12"  # near-boundaries
    content_type, body = multipart(
        [("key", "a/${filename}"), ("x-amz-meta-Tag", "one"), ("x-amz-meta-tag", "two")],
        ("dir/photo.jpg", content),
        after_file=[("submit", "Upload")],
        boundary=boundary,
    )
    form = post_form.read_form(io.BytesIO(b"preamble\r\n" + body), post_form.boundary_of(content_type))
    assert form.file is not None and form.file.filename == "dir/photo.jpg"
    read = b""
    while piece := form.file.reader.read(5):
        read += piece
    assert read == content
    fields = post_form.FormFields(form)
    assert fields.values == {"key": "a/photo.jpg", "x-amz-meta-tag": "one,two"}


def test_the_parser_reads_quoted_parameters_and_empty_headers():
    kind, parameters = post_form.header_parameters('form-data; name="a;b"; filename="C:\\dir\\q%22x.txt"')
    assert (kind, parameters) == ("form-data", {"name": "a;b", "filename": "C:\\dir\\q%22x.txt"})
    assert post_form.boundary_of('multipart/form-data; boundary="quoted b"') == b"quoted b"


@switches_iam
def test_with_iam_on_an_anonymous_form_needs_the_bucket_policy(s3, bucket, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    content_type, body = multipart({"key": "public/drop.txt"}, ("drop.txt", b"anonymous"))
    refused = send(f"{stratus_endpoint}/{bucket}", body, content_type)
    assert (refused.status, refused.error()["Code"]) == (403, "AccessDenied")
    s3.delete_public_access_block(Bucket=bucket)  # new buckets block public policies
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{bucket}/public/*",
                    }
                ],
            }
        ),
    )
    assert send(f"{stratus_endpoint}/{bucket}", body, content_type).status == 204
    assert s3.get_object(Bucket=bucket, Key="public/drop.txt")["Body"].read() == b"anonymous"


@switches_iam
def test_with_iam_on_the_credential_must_name_the_buckets_region(aws_client, stratus_endpoint):
    european = aws_client("s3", region_name="eu-west-1")
    european.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    presigned = aws_client("s3", config=Config(signature_version="s3v4")).generate_presigned_post(
        "eu-bucket", "k"
    )
    error = post(presigned).error()
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "the region 'us-east-1' is wrong; expecting 'eu-west-1'"
    assert (error["ArgumentName"], error["Region"]) == ("X-Amz-Credential", "eu-west-1")


@switches_iam
def test_with_iam_on_session_credentials_need_their_token(aws_client, bucket, stratus_endpoint):
    session = aws_client("sts").get_session_token()["Credentials"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    temporary = aws_client(
        "s3",
        aws_access_key_id=session["AccessKeyId"],
        aws_secret_access_key=session["SecretAccessKey"],
        aws_session_token=session["SessionToken"],
        config=Config(signature_version="s3v4"),
    )
    presigned = temporary.generate_presigned_post(bucket, "temp.txt")
    assert presigned["fields"]["x-amz-security-token"] == session["SessionToken"]
    assert post(presigned).status == 204
    answer = post(presigned, drop=("x-amz-security-token",))
    assert answer.error()["Code"] == "InvalidToken"


class _CountingStream(io.BytesIO):
    """A body that remembers how far it has been read."""

    furthest = 0

    def read(self, size=-1):
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_the_parser_streams_the_file_instead_of_reading_it_whole():
    content = os.urandom(8 * 1024 * 1024)
    content_type, body = multipart({"key": "k"}, ("big.bin", content))
    stream = _CountingStream(body)
    form = post_form.read_form(stream, post_form.boundary_of(content_type))
    assert stream.furthest <= post_form.READ_CHUNK + 1024  # the fields, not the file
    first = form.file.reader.read(1024 * 1024)
    assert first == content[: 1024 * 1024]
    assert stream.furthest < 3 * 1024 * 1024
    rest = form.file.reader.read()
    assert first + rest == content
