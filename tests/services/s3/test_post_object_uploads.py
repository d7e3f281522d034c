"""Browser uploads (POST Object) that succeed: an HTML form posted to the bucket's URL, authorized
by a POST policy that boto3's `generate_presigned_post` signs (SigV4 and SigV2), answered as S3
answers it (204/200/201/303), with metadata, tags, ACL, versions, large files, virtual hosts,
the request log and CORS headers.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from http import client as http_client
from urllib.parse import parse_qs, urlsplit

import pytest

from .post_object_support import (
    multipart,
    post,
    s3v4_fixture,  # noqa: F401
    send,
)
from .support import quoted_md5

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
