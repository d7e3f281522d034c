"""Browser uploads (POST Object): the multipart form itself (missing file or signature, fields after
the file, Content-MD5, a missing bucket, bodies that are not multipart, the 20 KB limit on
fields) and the parser that streams it (boundaries at any read size, quoted parameters, a file
never read whole).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os

import pytest

from stratus.services.s3 import post_form

from .post_object_support import (
    multipart,
    post,
    s3v4_fixture,  # noqa: F401
    send,
)

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
