"""LocalStack's contract for existing tooling: health, info, init hooks and their report."""

import json
import re
import urllib.error
import urllib.request

import pytest

import stratus.testing


def _get(url: str, method: str = "GET") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_health_reports_implemented_services_as_compose_checks_grep_them(stratus_endpoint, aws_client):
    status, content_type, body = _get(stratus_endpoint + "/_localstack/health")
    assert status == 200 and content_type == "application/json"
    assert b'"sts": "available"' in body or b'"sts": "running"' in body  # running once used this session
    aws_client("sts").get_caller_identity()
    body = _get(stratus_endpoint + "/_localstack/health")[2]
    assert b'"sts": "running"' in body
    document = json.loads(body)
    assert list(document) == ["services", "edition", "version"]
    assert "elbv2" not in document["services"]  # not implemented: not advertised


def test_health_head(stratus_endpoint):
    status, _, body = _get(stratus_endpoint + "/_localstack/health", "HEAD")
    assert status == 200 and body == b""


def test_info(stratus_endpoint):
    status, _, body = _get(stratus_endpoint + "/_localstack/info")
    assert status == 200
    document = json.loads(body)
    assert list(document)[:2] == ["version", "edition"]
    assert document["is_docker"] is False
    assert isinstance(document["uptime"], int)


def test_init_without_scripts(stratus_endpoint):
    status, _, body = _get(stratus_endpoint + "/_localstack/init")
    assert status == 200
    document = json.loads(body)
    assert document["scripts"] == []
    status, _, body = _get(stratus_endpoint + "/_localstack/init/boot")
    assert status == 200 and json.loads(body)["completed"] is True
    assert _get(stratus_endpoint + "/_localstack/init/nonsense")[0] == 404


@pytest.mark.slow
def test_init_hooks_run_in_stage_order_and_reach_the_server(tmp_path):
    import time

    init_dir = tmp_path / "init"
    for stage in ("boot", "start", "ready", "shutdown"):
        (init_dir / f"{stage}.d").mkdir(parents=True)
    log = tmp_path / "log.txt"
    for stage in ("boot", "start", "ready", "shutdown"):
        script = init_dir / f"{stage}.d" / f"10-{stage}.sh"
        script.write_text(f"#!/bin/sh\necho {stage} >> {log}\n")
        script.chmod(0o755)
    failing = init_dir / "ready.d" / "20-fails.sh"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    # A ready hook that uses the server, as users' scripts do with awslocal/boto3.
    (init_dir / "ready.d" / "30-call.py").write_text(
        "import os, boto3\n"
        "sts = boto3.client('sts', endpoint_url=os.environ['AWS_ENDPOINT_URL'])\n"
        f"open({str(log)!r}, 'a').write(sts.get_caller_identity()['Account'] + '\\n')\n"
    )
    with stratus.testing.serve(init_dirs=[init_dir]) as endpoint:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            document = json.loads(_get(endpoint + "/_localstack/init")[2])
            if document["completed"]["READY"]:
                break
            time.sleep(0.05)
        states = {s["name"]: s["state"] for s in document["scripts"]}
        assert states == {
            "10-boot.sh": "SUCCESSFUL",
            "10-start.sh": "SUCCESSFUL",
            "10-ready.sh": "SUCCESSFUL",
            "20-fails.sh": "ERROR",
            "30-call.py": "SUCCESSFUL",
            "10-shutdown.sh": "UNKNOWN",
        }
        ready = json.loads(_get(endpoint + "/_localstack/init/ready")[2])
        assert ready["completed"] is True
    assert log.read_text().split() == ["boot", "start", "ready", "000000000000", "shutdown"]
    assert re.match(r"http://127\.0\.0\.1:\d+", endpoint)
