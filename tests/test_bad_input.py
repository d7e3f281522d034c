"""Malformed requests get the protocol's AWS-style 4xx error, never a 500, a traceback or a hang."""

import http.client
import json
import socket
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest


def _auth(service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000"
    )


def _send(endpoint: str, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    url = urlparse(endpoint)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _assert_alive(endpoint: str) -> None:
    status, _, _ = _send(endpoint, "GET", "/_stratus/health")
    assert status == 200


def _xml_error_code(body: bytes) -> str:
    root = ElementTree.fromstring(body)
    code = root.find(".//Code")
    if code is None:
        code = root.find(".//{*}Code")
    assert code is not None, body
    return code.text


JSON_TARGET = {
    "X-Amz-Target": "DynamoDB_20120810.ListTables",
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": _auth("dynamodb"),
}


@pytest.mark.parametrize(
    "body",
    [
        b'{"Limit":',
        b"[1, 2]",
        b'"just a string"',
        b"\xff\xfe\x00garbage",
        b'{"Limit": "ten"}',
        b"{" * 5000,
        b'{"ExclusiveStartTableName": "a\x00b"',
    ],
    ids=["truncated", "array", "string", "not-utf8", "wrong-type", "deep-nesting", "nul"],
)
def test_broken_json_body(stratus_endpoint, body):
    status, headers, answer = _send(stratus_endpoint, "POST", "/", body, JSON_TARGET)
    assert 400 <= status < 500, answer
    document = json.loads(answer)
    assert document["__type"].rsplit("#", 1)[-1] in ("SerializationException", "ValidationException")
    _assert_alive(stratus_endpoint)


def test_unknown_target(stratus_endpoint):
    headers = dict(JSON_TARGET, **{"X-Amz-Target": "DynamoDB_20120810.DropEverything"})
    status, _, answer = _send(stratus_endpoint, "POST", "/", b"{}", headers)
    assert status == 400
    assert json.loads(answer)["__type"].rsplit("#", 1)[-1] == "UnknownOperationException"


def test_unknown_target_prefix(stratus_endpoint):
    headers = {"X-Amz-Target": "NoSuchService_2020.DoIt", "Content-Type": "application/x-amz-json-1.1"}
    status, _, answer = _send(stratus_endpoint, "POST", "/", b"{}", headers)
    assert 400 <= status < 500
    assert json.loads(answer)["__type"].rsplit("#", 1)[-1] == "UnknownOperationException"


def test_unknown_action(stratus_endpoint):
    status, _, answer = _send(
        stratus_endpoint,
        "POST",
        "/",
        b"Action=LaunchRockets&Version=2011-06-15",
        {"Content-Type": "application/x-www-form-urlencoded", "Authorization": _auth("sts")},
    )
    assert status == 400
    assert _xml_error_code(answer) == "InvalidAction"


def test_query_body_sent_as_json(stratus_endpoint):
    status, _, answer = _send(
        stratus_endpoint,
        "POST",
        "/",
        b'{"Action": "GetCallerIdentity"}',
        {"Content-Type": "application/json", "Authorization": _auth("sts")},
    )
    assert 400 <= status < 500, answer
    _xml_error_code(answer)


def test_broken_xml_body_to_s3(stratus_endpoint):
    status, _, answer = _send(
        stratus_endpoint,
        "PUT",
        "/some-bucket?tagging",
        b"<Tagging><TagSet><Tag>",
        {"Authorization": _auth("s3"), "Content-Type": "application/xml"},
    )
    assert status == 400, answer
    assert _xml_error_code(answer) == "MalformedXML"


def test_xml_entity_expansion_is_refused(stratus_endpoint):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<Tagging><TagSet><Tag><Key>&lol2;</Key><Value>v</Value></Tag></TagSet></Tagging>"
    )
    status, _, answer = _send(
        stratus_endpoint, "PUT", "/some-bucket?tagging", bomb, {"Authorization": _auth("s3")}
    )
    assert 400 <= status < 600 and status != 500, answer
    _assert_alive(stratus_endpoint)


def test_broken_cbor_body(stratus_endpoint):
    headers = {
        "smithy-protocol": "rpc-v2-cbor",
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
        "Authorization": _auth("monitoring"),
    }
    status, response_headers, answer = _send(
        stratus_endpoint,
        "POST",
        "/service/GraniteServiceVersion20100801/operation/ListMetrics",
        b"\xbf\x61",
        headers,
    )
    assert 400 <= status < 500, answer
    import cbor2

    assert "SerializationException" in cbor2.loads(answer)["__type"]


def test_very_long_path(stratus_endpoint):
    status, _, answer = _send(
        stratus_endpoint, "GET", "/" + "a" * 10_000, b"", {"Authorization": _auth("s3")}
    )
    assert 400 <= status < 500, answer
    _assert_alive(stratus_endpoint)


def test_nul_bytes_in_path_and_query(stratus_endpoint):
    for path in ("/bucket/key%00name", "/bucket%00/key"):
        status, _, answer = _send(stratus_endpoint, "GET", path, b"", {"Authorization": _auth("s3")})
        assert 400 <= status < 600 and status != 500, (path, answer)
    # Signed for S3, `GET /` with a parameter S3 does not know is ListBuckets, as in AWS.
    status, _, answer = _send(
        stratus_endpoint,
        "GET",
        "/?Action=Get%00CallerIdentity&Version=2011-06-15",
        b"",
        {"Authorization": _auth("s3")},
    )
    assert status == 200 and b"<ListAllMyBucketsResult" in answer
    _assert_alive(stratus_endpoint)


def test_huge_header(stratus_endpoint):
    try:
        status, _, _ = _send(stratus_endpoint, "GET", "/_stratus/health", b"", {"X-Big": "a" * 200_000})
        assert 400 <= status < 500
    except (ConnectionError, http.client.HTTPException):
        pass  # refusing the connection is also acceptable; it must not take the server down
    _assert_alive(stratus_endpoint)


def test_truncated_chunked_body_does_not_hang_or_crash(stratus_endpoint):
    url = urlparse(stratus_endpoint)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
            b'Transfer-Encoding: chunked\r\n\r\n10\r\n{"Lim'
        )
        sock.shutdown(socket.SHUT_WR)
        try:
            sock.recv(65536)
        except (TimeoutError, ConnectionError):
            pass
    _assert_alive(stratus_endpoint)


def test_garbage_instead_of_http(stratus_endpoint):
    url = urlparse(stratus_endpoint)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"\x00\x01\x02 this is not http\r\n\r\n")
        try:
            data = sock.recv(65536)
        except (TimeoutError, ConnectionError):
            data = b""
    assert not data or data.startswith(b"HTTP/1.1 4")
    _assert_alive(stratus_endpoint)


def test_oversized_document_body_is_refused_and_the_server_stays_up(stratus_endpoint):
    from stratus.gateway.dispatch import MAX_DOCUMENT_BODY_BYTES

    url = urlparse(stratus_endpoint)
    size = MAX_DOCUMENT_BODY_BYTES + 1
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.putrequest("POST", "/")
        for name, value in {**JSON_TARGET, "Content-Length": str(size)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        chunk = b" " * (1024 * 1024)
        sent = 0
        while sent < size:
            part = chunk[: size - sent]
            connection.send(part)
            sent += len(part)
        response = connection.getresponse()
        status, answer = response.status, response.read()
    finally:
        connection.close()
    assert status == 413
    assert json.loads(answer)["__type"].rsplit("#", 1)[-1] == "RequestEntityTooLarge"
    _assert_alive(stratus_endpoint)
