"""stratus.testing as users use it: the context manager, and the pytest fixtures' clean state."""

import json
import urllib.request

import boto3

import stratus.testing


def test_serve_yields_a_working_endpoint_and_stops_afterwards(tmp_path):
    with stratus.testing.serve(data_dir=tmp_path / "state") as endpoint:
        assert isinstance(endpoint, str) and endpoint.startswith("http://127.0.0.1:")
        sts = boto3.client(
            "sts",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        assert sts.get_caller_identity()["Account"] == "000000000000"
    try:
        urllib.request.urlopen(endpoint + "/_stratus/health", timeout=2)
        raise AssertionError("the server is still answering after the block")
    except OSError:
        pass
    assert (tmp_path / "state").is_dir()  # a given data dir is kept


def _clock_offset(endpoint: str) -> float:
    with urllib.request.urlopen(endpoint + "/_stratus/clock", timeout=5) as response:
        return json.loads(response.read())["offset_seconds"]


def test_fixture_state_is_clean_first(stratus_endpoint, stratus_server):
    assert _clock_offset(stratus_endpoint) == 0
    stratus_server.advance_clock(3600)
    assert _clock_offset(stratus_endpoint) == 3600


def test_fixture_state_is_clean_second(stratus_endpoint, stratus_server):
    # Whichever of the two runs second sees the other's change wiped.
    assert _clock_offset(stratus_endpoint) == 0
    stratus_server.advance_clock(60)


def test_aws_client_is_bound_to_the_endpoint(aws_client, stratus_endpoint):
    sts = aws_client("sts")
    assert sts.meta.endpoint_url == stratus_endpoint
    assert sts.meta.region_name == "us-east-1"
