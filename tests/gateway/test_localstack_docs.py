"""Byte-level checks of the LocalStack-compatible documents (key order, separators, escapes)."""

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from stratus.core.init_hooks import InitReport, ScriptStatus, UnknownStageError
from stratus.gateway import localstack as ls


def test_health_document_bytes_match_localstack() -> None:
    body = ls.health_document({"sqs": "running", "acm": "available"}, edition="community", version="4.0.0")
    assert body == (
        b'{"services": {"acm": "available", "sqs": "running"}, "edition": "community", "version": "4.0.0"}'
    )


def test_health_document_greppable_by_compose_health_checks() -> None:
    body = ls.health_document({"s3": "running"}, edition="community", version="4.0.0")
    assert b'"s3": "running"' in body


def test_health_services_in_localstack_plugin_order() -> None:
    names = ["rds", "acm", "rds-data", "acm-pca", "eks", "eks-auth", "sqs", "s3control", "s3"]
    body = ls.health_document(dict.fromkeys(names, "available"), edition="pro", version="1")
    order = list(json.loads(body)["services"])
    assert order == ["acm-pca", "acm", "eks-auth", "eks", "rds-data", "rds", "s3", "s3control", "sqs"]


def test_health_features_come_first() -> None:
    body = ls.health_document(
        {"s3": "available"}, edition="pro", version="1", features={"persistence": "disabled"}
    )
    assert body == (
        b'{"features": {"persistence": "disabled"}, "services": {"s3": "available"}, '
        b'"edition": "pro", "version": "1"}'
    )


def test_health_non_ascii_is_escaped_like_json_dumps() -> None:
    body = ls.health_document({}, edition="caf\u00e9", version="1")
    assert body == b'{"services": {}, "edition": "caf\\u00e9", "version": "1"}'


def test_head_health() -> None:
    assert (ls.HEALTH_HEAD_STATUS, ls.HEALTH_HEAD_BODY) == (200, b"ok")
    assert ls.TEXT_CONTENT_TYPE == "text/plain; charset=utf-8"
    assert ls.JSON_CONTENT_TYPE == "application/json"


def test_service_names_are_botocore_names() -> None:
    for name in (
        "events",
        "logs",
        "cloudwatch",
        "dynamodbstreams",
        "resource-groups",
        "stepfunctions",
        "sqs",
    ):
        assert ls.localstack_service_name(name) == name
    assert ls.localstack_service_name("monitoring") == "cloudwatch"
    assert ls.localstack_service_name("states") == "stepfunctions"
    assert ls.localstack_service_name("streams.dynamodb") == "dynamodbstreams"


def test_service_states() -> None:
    states = ls.service_states(["sqs", "s3", "logs", "kms"], started=["s3"], disabled=["kms"])
    assert states == {"sqs": "available", "s3": "running", "logs": "available", "kms": "disabled"}


def test_info_document_bytes_match_localstack() -> None:
    body = ls.info_document(
        version="4.0.0",
        edition="community",
        session_id="d8d0c768-5b2d-4b57-a277-87a1213578e5",
        machine_id="gen_19d960eb-0e3",
        uptime_seconds=831,
        is_docker=True,
        server_time_utc="2023-11-25T19:28:20",
        system="docker",
    )
    assert body == (
        b'{"version": "4.0.0", "edition": "community", "is_license_activated": false, '
        b'"session_id": "d8d0c768-5b2d-4b57-a277-87a1213578e5", "machine_id": "gen_19d960eb-0e3", '
        b'"system": "docker", "is_docker": true, "server_time_utc": "2023-11-25T19:28:20", "uptime": 831}'
    )


def test_info_document_default_system_is_lowercase_os() -> None:
    body = ls.info_document(
        version="1",
        edition="community",
        session_id="s",
        machine_id="m",
        uptime_seconds=0,
        is_docker=False,
        server_time_utc="2024-01-01T00:00:00",
    )
    system = json.loads(body)["system"]
    assert system and system == system.lower()


def test_format_server_time() -> None:
    moment = datetime(2023, 11, 25, 19, 28, 20, 987654, tzinfo=UTC)
    assert ls.format_server_time(moment) == "2023-11-25T19:28:20"
    plus_two = moment.astimezone(timezone(timedelta(hours=2)))
    assert ls.format_server_time(plus_two) == "2023-11-25T19:28:20"
    assert ls.format_server_time(datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05"


def test_generated_ids_are_shaped_like_localstack() -> None:
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", ls.new_session_id())
    assert re.fullmatch(r"gen_[0-9a-f]{8}-[0-9a-f]{3}", ls.new_machine_id())


REPORT = InitReport(
    completed={"BOOT": True, "START": True, "READY": False, "SHUTDOWN": False},
    scripts=(
        ScriptStatus(stage="BOOT", name="00-boot.sh", state="SUCCESSFUL"),
        ScriptStatus(stage="READY", name="01-queues.sh", state="RUNNING"),
        ScriptStatus(stage="READY", name="02-seed.py", state="UNKNOWN"),
    ),
)


def test_init_document_bytes_match_localstack() -> None:
    assert ls.init_document(REPORT) == (
        b'{"completed": {"BOOT": true, "START": true, "READY": false, "SHUTDOWN": false}, '
        b'"scripts": [{"stage": "BOOT", "name": "00-boot.sh", "state": "SUCCESSFUL"}, '
        b'{"stage": "READY", "name": "01-queues.sh", "state": "RUNNING"}, '
        b'{"stage": "READY", "name": "02-seed.py", "state": "UNKNOWN"}]}'
    )


def test_init_stage_document_bytes_and_case_insensitive_stage() -> None:
    expected = (
        b'{"completed": false, "scripts": [{"stage": "READY", "name": "01-queues.sh", "state": "RUNNING"}, '
        b'{"stage": "READY", "name": "02-seed.py", "state": "UNKNOWN"}]}'
    )
    for stage in ("ready", "READY", "Ready"):
        assert ls.init_stage_document(REPORT, stage) == expected
    assert ls.init_stage_document(REPORT, "start") == b'{"completed": true, "scripts": []}'


def test_init_stage_unknown() -> None:
    with pytest.raises(UnknownStageError):
        ls.init_stage_document(REPORT, "nope")
    assert ls.init_stage_response(REPORT, "nope") == (404, "text/plain; charset=utf-8", b"")
    status, content_type, body = ls.init_stage_response(REPORT, "boot")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body)["completed"] is True
