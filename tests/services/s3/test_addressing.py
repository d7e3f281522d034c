"""Addressing: path-style through the endpoint, virtual-hosted style (`bucket.s3.localhost.localstack.cloud`,
`bucket.localhost`), and presigned GET/PUT URLs fetched with urllib.

This machine has no DNS for the LocalStack-style names, so the tests that use them resolve
`*.localhost.localstack.cloud` and `*.localhost` to 127.0.0.1 inside this process (patching
`socket.getaddrinfo`), which is what a developer's resolver does for them."""

from __future__ import annotations

import hashlib
import http.client
import socket
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote, urlsplit

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from stratus.testing import post_json

from .support import read_body

LOCAL_SUFFIXES = (".localhost.localstack.cloud", ".localhost")
LOCAL_NAMES = ("localhost.localstack.cloud", "localhost")


@pytest.fixture
def local_dns(monkeypatch):
    """Resolve the LocalStack-style host names to 127.0.0.1, in this process only."""
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and (name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES)):
            return real_getaddrinfo("127.0.0.1", port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def port(stratus_endpoint) -> int:
    return urlsplit(stratus_endpoint).port


def _record_urls(client) -> list[str]:
    """The URL of every request the client sends from now on."""
    urls: list[str] = []
    client.meta.events.register("before-send.s3", lambda request, **_: urls.append(request.url))
    return urls


def _virtual_client(aws_client, endpoint: str):
    config = Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1})
    return aws_client("s3", endpoint_url=endpoint, config=config)


def _fetch(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return (
            response.status,
            response.read(),
            {name.lower(): value for name, value in response.headers.items()},
        )


def _error_document(error: urllib.error.HTTPError) -> dict[str, str]:
    root = ElementTree.fromstring(error.read())
    return {child.tag: child.text or "" for child in root}


# ---------------------------------------------------------------------------- path style


def test_path_style_is_the_default_with_an_endpoint(s3, stratus_endpoint):
    urls = _record_urls(s3)
    s3.create_bucket(Bucket="path-bucket")
    s3.put_object(Bucket="path-bucket", Key="dir/file.txt", Body=b"path")
    assert read_body(s3, "path-bucket", "dir/file.txt") == b"path"
    netloc = urlsplit(stratus_endpoint).netloc
    assert all(urlsplit(url).netloc == netloc for url in urls)
    assert urlsplit(urls[1]).path == "/path-bucket/dir/file.txt"


# ---------------------------------------------------------------------------- virtual-hosted style


@pytest.mark.usefixtures("local_dns")
@pytest.mark.parametrize("bucket_name", ["virtual-bucket", "dotted.virtual.bucket"])
def test_virtual_hosted_style_on_s3_localhost_localstack_cloud(aws_client, port, bucket_name):
    s3v = _virtual_client(aws_client, f"http://s3.localhost.localstack.cloud:{port}")
    urls = _record_urls(s3v)
    s3v.create_bucket(Bucket=bucket_name)
    s3v.put_object(Bucket=bucket_name, Key="dir/a b+c.txt", Body=b"virtual")
    assert read_body(s3v, bucket_name, "dir/a b+c.txt") == b"virtual"
    head = s3v.head_object(Bucket=bucket_name, Key="dir/a b+c.txt")
    assert head["ContentLength"] == len(b"virtual")
    assert s3v.head_bucket(Bucket=bucket_name)["BucketRegion"] == "us-east-1"
    assert [b["Name"] for b in s3v.list_buckets()["Buckets"]] == [bucket_name]
    # every bucket request went to the bucket's own host name, with the key alone as the path
    hosts = {urlsplit(url).hostname for url in urls}
    assert hosts == {f"{bucket_name}.s3.localhost.localstack.cloud", "s3.localhost.localstack.cloud"}
    assert urlsplit(urls[1]).path == "/dir/a%20b%2Bc.txt"


@pytest.mark.usefixtures("local_dns")
def test_virtual_hosted_and_path_style_see_the_same_buckets(aws_client, s3, port):
    s3v = _virtual_client(aws_client, f"http://s3.localhost.localstack.cloud:{port}")
    s3.create_bucket(Bucket="shared-bucket")
    s3.put_object(Bucket="shared-bucket", Key="from-path", Body=b"1")
    s3v.put_object(Bucket="shared-bucket", Key="from-virtual", Body=b"2")
    assert read_body(s3v, "shared-bucket", "from-path") == b"1"
    assert read_body(s3, "shared-bucket", "from-virtual") == b"2"


@pytest.mark.usefixtures("local_dns")
def test_virtual_hosted_style_on_bucket_localhost_with_boto3(aws_client, port):
    s3v = _virtual_client(aws_client, f"http://localhost:{port}")
    urls = _record_urls(s3v)
    s3v.create_bucket(Bucket="local-bucket")
    s3v.put_object(Bucket="local-bucket", Key="k", Body=b"on localhost")
    assert read_body(s3v, "local-bucket", "k") == b"on localhost"
    assert urlsplit(urls[0]).hostname == "local-bucket.localhost"


def _signed_raw_request(port: int, host: str, method: str, path: str, body: bytes = b"", headers=None):
    """A SigV4-signed request sent with http.client to 127.0.0.1, naming `host` in the Host header."""
    request = AWSRequest(method=method, url=f"http://{host}:{port}{path}", data=body, headers=headers or {})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    sent_headers = {name: value for name, value in request.headers.items()}
    sent_headers["Host"] = f"{host}:{port}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=sent_headers)
        response = connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


@pytest.mark.parametrize("bucket_name", ["raw-bucket", "raw.dotted.bucket"])
def test_bucket_localhost_host_header_with_http_client(s3, port, bucket_name):
    s3.create_bucket(Bucket=bucket_name)
    s3.put_object(Bucket=bucket_name, Key="dir/read me.txt", Body=b"read through the Host header")
    host = f"{bucket_name}.localhost"
    status, body, _ = _signed_raw_request(port, host, "GET", "/dir/" + quote("read me.txt"))
    assert (status, body) == (200, b"read through the Host header")

    status, _, headers = _signed_raw_request(
        port, host, "PUT", "/written", body=b"written raw", headers={"Content-Type": "text/plain"}
    )
    assert status == 200
    assert headers["etag"] == '"' + hashlib.md5(b"written raw", usedforsecurity=False).hexdigest() + '"'
    got = s3.get_object(Bucket=bucket_name, Key="written")
    assert got["Body"].read() == b"written raw"
    assert got["ContentType"] == "text/plain"

    status, _, headers = _signed_raw_request(port, host, "HEAD", "/")
    assert status == 200
    assert headers["x-amz-bucket-region"] == "us-east-1"


def test_bucket_localhost_host_header_for_a_missing_key(s3, port, bucket):
    status, body, _ = _signed_raw_request(port, f"{bucket}.localhost", "GET", "/absent")
    assert status == 404
    root = ElementTree.fromstring(body)
    assert root.findtext("Code") == "NoSuchKey"
    assert root.findtext("Key") == "absent"


# ---------------------------------------------------------------------------- presigned URLs


@pytest.fixture(params=["s3v4", "legacy"])
def presigner(request, aws_client):
    """A client that presigns with SigV4 (X-Amz-Signature) or, boto3's default for S3 in us-east-1,
    with the legacy query-string signature (Signature, Expires)."""
    if request.param == "s3v4":
        return aws_client("s3", config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
    return aws_client("s3")


def test_presigned_get(s3, presigner, bucket):
    key = "shared/ünï code & space.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"presigned body", ContentType="text/plain")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
    assert "Signature=" in url
    status, body, headers = _fetch(url)
    assert (status, body) == (200, b"presigned body")
    assert headers["content-type"] == "text/plain"


def test_presigned_get_with_response_override(s3, presigner, bucket):
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n")
    url = presigner.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": "report.csv",
            "ResponseContentDisposition": 'attachment; filename="r.csv"',
        },
        ExpiresIn=300,
    )
    _, body, headers = _fetch(url)
    assert body == b"a,b\n"
    assert headers["content-disposition"] == 'attachment; filename="r.csv"'


def test_presigned_put(s3, presigner, bucket):
    url = presigner.generate_presigned_url(
        "put_object",
        Params={"Bucket": bucket, "Key": "upload.txt", "ContentType": "text/plain"},
        ExpiresIn=300,
    )
    status, _, headers = _fetch(
        url, method="PUT", data=b"uploaded by url", headers={"Content-Type": "text/plain"}
    )
    assert status == 200
    assert headers["etag"] == '"' + hashlib.md5(b"uploaded by url", usedforsecurity=False).hexdigest() + '"'
    got = s3.get_object(Bucket=bucket, Key="upload.txt")
    assert got["Body"].read() == b"uploaded by url"
    assert got["ContentType"] == "text/plain"


def test_presigned_get_of_a_missing_key(presigner, bucket):
    url = presigner.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "absent"}, ExpiresIn=300
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        _fetch(url)
    assert caught.value.code == 404
    assert _error_document(caught.value)["Code"] == "NoSuchKey"


@pytest.fixture
def verified_signatures(stratus_endpoint):
    """Signatures (and a presigned URL's lifetime) are checked only when IAM is not off; `audit`
    checks them without denying anything on policy grounds. The reset before the next test puts
    the configured mode back."""
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "audit"})


@pytest.mark.usefixtures("verified_signatures")
def test_presigned_url_within_its_lifetime_is_honoured(s3, presigner, bucket, stratus_server):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=600)
    stratus_server.advance_clock(300)
    assert _fetch(url)[1] == b"x"


@pytest.mark.usefixtures("verified_signatures")
def test_expired_presigned_url_is_refused(s3, presigner, bucket, stratus_server):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    if "X-Amz-Signature=" in url:
        # SigV4: signed at X-Amz-Date for X-Amz-Expires seconds; moving Stratus's clock ages it.
        stratus_server.advance_clock(120)
    else:
        # Legacy: `Expires` is an absolute (real) time, which Stratus compares with the real clock.
        url = presigner.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=-60
        )
    with pytest.raises(urllib.error.HTTPError) as caught:
        _fetch(url)
    assert caught.value.code == 403
    document = _error_document(caught.value)
    assert document["Code"] == "AccessDenied"
    assert document["Message"] == "Request has expired"  # as AWS answers; not in AWS's documentation
    if "X-Amz-Signature=" in url:
        assert document["X-Amz-Expires"] == "60"


@pytest.mark.usefixtures("verified_signatures")
def test_tampered_presigned_url_is_refused(s3, presigner, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object(Bucket=bucket, Key="other", Body=b"y")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    tampered = url.replace(f"/{bucket}/k?", f"/{bucket}/other?")
    with pytest.raises(urllib.error.HTTPError) as caught:
        _fetch(tampered)
    assert caught.value.code == 403
    assert _error_document(caught.value)["Code"] == "SignatureDoesNotMatch"


@pytest.mark.usefixtures("local_dns")
def test_presigned_get_virtual_hosted(aws_client, s3, port, bucket):
    s3.put_object(Bucket=bucket, Key="v.txt", Body=b"virtual presigned")
    s3v = _virtual_client(aws_client, f"http://s3.localhost.localstack.cloud:{port}")
    url = s3v.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v.txt"}, ExpiresIn=300)
    assert urlsplit(url).hostname == f"{bucket}.s3.localhost.localstack.cloud"
    _, body, _ = _fetch(url)
    assert body == b"virtual presigned"
