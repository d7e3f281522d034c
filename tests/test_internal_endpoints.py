"""Stratus's own endpoints: health, reset, clock, request log."""

import json
import urllib.error
import urllib.request
from datetime import datetime

import pytest
from botocore.exceptions import ClientError


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _post(url: str, body: bytes = b"", content_type: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_health_lists_every_known_service_and_what_is_implemented(stratus_endpoint):
    import botocore.session

    status, headers, body = _get(stratus_endpoint + "/_stratus/health")
    assert status == 200
    assert headers.get("Content-Type", headers.get("content-type")) == "application/json"
    document = json.loads(body)
    services = document["services"]
    known = set(botocore.session.get_session().get_available_services())
    assert known <= set(services)
    assert services["sts"]["implemented"] is True
    assert services["elbv2"]["implemented"] is False
    assert document["status"] == "running"


def test_health_marks_a_used_service_running(stratus_endpoint, aws_client):
    aws_client("sts").get_caller_identity()
    services = json.loads(_get(stratus_endpoint + "/_stratus/health")[2])["services"]
    assert services["sts"]["running"] is True


def test_clock_reads_and_moves_forward(stratus_endpoint):
    status, _, body = _get(stratus_endpoint + "/_stratus/clock")
    assert status == 200
    before = json.loads(body)
    status, body = _post(stratus_endpoint + "/_stratus/clock", json.dumps({"advance_seconds": 7200}).encode())
    assert status == 200
    after = json.loads(body)
    assert after["offset_seconds"] == pytest.approx(before["offset_seconds"] + 7200)
    assert after["epoch_seconds"] - before["epoch_seconds"] >= 7200
    moved = datetime.fromisoformat(after["now"].replace("Z", "+00:00"))
    assert (moved - datetime.fromisoformat(before["now"].replace("Z", "+00:00"))).total_seconds() >= 7200


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"advance_seconds": "soon"}',
        b'{"advance_seconds": -5}',
        b'{"advance_seconds": true}',
        b"{}",
    ],
)
def test_clock_rejects_bad_requests_and_does_not_move(stratus_endpoint, body):
    before = json.loads(_get(stratus_endpoint + "/_stratus/clock")[2])["offset_seconds"]
    status, answer = _post(stratus_endpoint + "/_stratus/clock", body)
    assert status == 400
    assert json.loads(answer)["error"]["code"] == "InvalidRequest"
    assert json.loads(_get(stratus_endpoint + "/_stratus/clock")[2])["offset_seconds"] == before


def test_reset_puts_the_clock_back(stratus_endpoint):
    _post(stratus_endpoint + "/_stratus/clock", b'{"advance_seconds": 60}')
    for path in ("/_stratus/reset", "/moto-api/reset"):
        status, body = _post(stratus_endpoint + path)
        assert status == 200, path
        assert json.loads(_get(stratus_endpoint + "/_stratus/clock")[2])["offset_seconds"] == 0
        _post(stratus_endpoint + "/_stratus/clock", b'{"advance_seconds": 60}')


def test_reset_needs_post(stratus_endpoint):
    status, _, _ = _get(stratus_endpoint + "/_stratus/reset")
    assert status == 405


def test_request_log_records_each_call(stratus_endpoint, aws_client):
    sts = aws_client("sts", aws_access_key_id="123456789012", aws_secret_access_key="test")
    sts.get_caller_identity()
    with pytest.raises(ClientError):
        aws_client("elbv2").describe_load_balancers()
    status, _, body = _get(stratus_endpoint + "/_stratus/requests?limit=10")
    assert status == 200
    entries = json.loads(body)["requests"]
    assert [(e["service"], e["operation"], e["status"]) for e in entries] == [
        ("sts", "GetCallerIdentity", 200),
        ("elbv2", "DescribeLoadBalancers", 501),
    ]
    first, second = entries
    assert first["account_id"] == "123456789012"
    assert first["principal"] == "arn:aws:iam::123456789012:root"
    assert first["region"] == "us-east-1"
    assert first["error_code"] is None and first["latency_ms"] >= 0
    assert second["error_code"] == "NotImplemented"


def test_request_log_filters_by_service(stratus_endpoint, aws_client):
    aws_client("sts").get_caller_identity()
    with pytest.raises(ClientError):
        aws_client("elbv2").describe_load_balancers()
    entries = json.loads(_get(stratus_endpoint + "/_stratus/requests?service=sts")[2])["requests"]
    assert {e["service"] for e in entries} == {"sts"}


def test_unknown_internal_endpoint_is_404(stratus_endpoint):
    status, _, body = _get(stratus_endpoint + "/_stratus/nothing-here")
    assert status == 404
    assert json.loads(body)["error"]["code"] == "NotFound"


def test_request_log_rejects_a_bad_limit(stratus_endpoint):
    status, _, body = _get(stratus_endpoint + "/_stratus/requests?limit=many")
    assert status == 400
    assert json.loads(body)["error"]["code"] == "InvalidRequest"
