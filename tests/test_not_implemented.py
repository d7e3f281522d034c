"""Operations Stratus does not implement answer an honest 501 NotImplemented, in every protocol."""

import pytest
from botocore.exceptions import ClientError

CASES = [
    # (service, operation, kwargs) — one per wire protocol and for services sharing a signing name
    ("elbv2", "describe_load_balancers", {}),  # query
    ("elb", "describe_load_balancers", {}),  # query, same signing name as elbv2
    ("ec2", "describe_instances", {}),  # ec2
    ("stepfunctions", "list_state_machines", {}),  # json 1.0
    ("logs", "describe_metric_filters", {}),  # json 1.1
    ("lambda", "list_capacity_providers", {}),  # rest-json
    ("apigatewayv2", "get_apis", {}),  # rest-json, same signing name as apigateway
    ("apigateway", "get_rest_apis", {}),
    ("route53domains", "list_domains", {}),  # json
    ("route53", "list_hosted_zones", {}),  # rest-xml
    ("cloudwatch", "list_metrics", {}),  # smithy-rpc-v2-cbor
    ("cloudformation", "list_stacks", {}),  # query
    ("sesv2", "list_email_identities", {}),
]


@pytest.mark.parametrize(("service", "method", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_unimplemented_operation_is_an_honest_501(aws_client, service, method, kwargs):
    client = aws_client(service)
    with pytest.raises(ClientError) as raised:
        getattr(client, method)(**kwargs)
    error = raised.value.response["Error"]
    operation = client.meta.method_to_api_mapping[method]
    assert error["Code"] == "NotImplemented"
    assert error["Message"] == f"Stratus does not implement {service}.{operation} yet"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def _raw_post(endpoint: str, body: bytes, headers: dict[str, str]):
    import urllib.error
    import urllib.request

    headers = {
        **headers,
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=00",
    }
    request = urllib.request.Request(endpoint + "/", data=body, method="POST", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    return raised.value


def test_query_compatible_json_names_the_query_error(stratus_endpoint):
    """CloudWatch's JSON protocol is awsQueryCompatible: the answer carries `x-amzn-query-error`."""
    error = _raw_post(
        stratus_endpoint,
        b"{}",
        {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics",
            "x-amzn-query-mode": "true",
        },
    )
    assert error.code == 501
    assert error.headers["x-amzn-query-error"] == "NotImplemented;Receiver"
    assert "Stratus does not implement cloudwatch.ListMetrics yet" in error.read().decode()


def test_legacy_query_protocol_of_a_query_compatible_service_gets_a_query_error(stratus_endpoint):
    error = _raw_post(
        stratus_endpoint,
        b"Action=ListMetrics&Version=2010-08-01",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert error.code == 501
    text = error.read().decode()
    assert "<Code>NotImplemented</Code>" in text
    assert "Stratus does not implement cloudwatch.ListMetrics yet" in text


def test_s3control_is_told_apart_from_s3(stratus_endpoint):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        stratus_endpoint + "/v20180820/accesspoint",
        method="GET",
        headers={
            "x-amz-account-id": "000000000000",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=00",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 501
    assert "Stratus does not implement s3control.ListAccessPoints yet" in raised.value.read().decode()
