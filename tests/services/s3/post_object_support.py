"""Helpers shared by the browser-upload (POST Object) tests (test_post_object_*.py) and
test_encryption.py: a multipart form built as a browser sends it, posted over HTTP and its answer
read, the `s3v4` client fixture, and the mark for tests that switch the IAM mode.
"""

from __future__ import annotations

import io
import os
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http import client as http_client
from urllib.parse import urlsplit

import pytest
from botocore.config import Config

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


@pytest.fixture(name="s3v4")
def s3v4_fixture(aws_client):
    return aws_client("s3", config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
