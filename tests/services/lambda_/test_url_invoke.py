"""Function URLs serving HTTP: real Python functions behind `<url-id>.lambda-url.<region>...` (the
Host form) and `/_stratus/lambda-url/<url-id>/...` (the path form), called with `requests`."""

import base64
import json
import re
import sys
from urllib.parse import urlsplit

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from stratus.testing import post_json

from .conftest import make_zip

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
ACCOUNT = "000000000000"

HANDLER = """
import base64, json

def handler(event, context):
    mode = (event.get("queryStringParameters") or {}).get("mode", "echo")
    if mode == "echo":
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}
    if mode == "string":
        return "Hello, world!"
    if mode == "object":
        return {"message": "Hello, world!"}
    if mode == "custom":
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "text/plain", "My-Custom-Header": "Custom Value", "X-Count": 3},
            "body": "created",
            "cookies": ["Cookie_1=Value1; Max-Age=78000", "Cookie_2=Value2"],
            "isBase64Encoded": False,
        }
    if mode == "no-type":
        return {"statusCode": 204}
    if mode == "binary":
        return {"statusCode": 200, "headers": {"content-type": "image/png"},
                "body": base64.b64encode(bytes(range(256))).decode(), "isBase64Encoded": True}
    if mode == "cors":
        return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "https://fn.example"}, "body": "ok"}
    if mode == "bad-status":
        return {"statusCode": "teapot", "body": "x"}
    if mode == "fail":
        raise ValueError("boom")
    return None
"""


@pytest.fixture
def url_function(lambda_client, role_arn, stratus_server):
    """`url_function(AuthType=..., Cors=...)` → the FunctionUrl of a Python function `web`."""

    def make(name="web", **url_settings):
        lambda_client.create_function(
            FunctionName=name,
            Runtime=PYTHON_RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": HANDLER})},
            Timeout=5,
        )
        url_settings.setdefault("AuthType", "NONE")
        return lambda_client.create_function_url_config(FunctionName=name, **url_settings)["FunctionUrl"]

    yield make
    stratus_server.reset()  # no runtime process outlives its test


def call(
    endpoint: str, function_url: str, method: str = "GET", path: str = "/", **kwargs
) -> requests.Response:
    """A request by the Host form: sent to Stratus's address with the URL's host name."""
    headers = {"Host": urlsplit(function_url).netloc, **kwargs.pop("headers", {})}
    return requests.request(method, f"{endpoint}{path}", headers=headers, timeout=30, **kwargs)


def url_id_of(function_url: str) -> str:
    return urlsplit(function_url).hostname.split(".")[0]


def test_get_by_host_gives_the_payload_2_event(url_function, stratus_endpoint):
    function_url = url_function()
    url_id = url_id_of(function_url)
    response = call(
        stratus_endpoint,
        function_url,
        path="/my/path%20x?mode=echo&a=1&a=2&b=",
        headers={"X-Custom": "Value", "User-Agent": "tests/1.0", "Cookie": "c1=v1; c2=v2"},
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-RequestId"]
    event = response.json()
    assert event["version"] == "2.0"
    assert event["routeKey"] == "$default"
    assert event["rawPath"] == "/my/path%20x"
    assert event["rawQueryString"] == "mode=echo&a=1&a=2&b="
    assert event["queryStringParameters"] == {"mode": "echo", "a": "1,2", "b": ""}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    headers = event["headers"]
    assert headers["x-custom"] == "Value"
    assert headers["user-agent"] == "tests/1.0"
    assert headers["host"] == urlsplit(function_url).netloc
    assert "cookie" not in headers
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-port"] == str(urlsplit(function_url).port)
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", headers["x-amzn-trace-id"])
    assert response.headers["X-Amzn-Trace-Id"] == headers["x-amzn-trace-id"]
    context = event["requestContext"]
    assert context["accountId"] == "anonymous"  # AuthType NONE
    assert context["apiId"] == url_id
    assert context["domainName"] == urlsplit(function_url).hostname
    assert context["domainPrefix"] == url_id
    assert context["http"] == {
        "method": "GET",
        "path": "/my/path x",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "tests/1.0",
    }
    assert context["requestId"] == response.headers["x-amzn-RequestId"]
    assert context["routeKey"] == "$default" and context["stage"] == "$default"
    assert re.fullmatch(r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000", context["time"])
    assert isinstance(context["timeEpoch"], int) and context["timeEpoch"] > 1_600_000_000_000
    assert "authorizer" not in context
    assert "body" not in event and event["isBase64Encoded"] is False


def test_the_path_form_reaches_the_same_function(url_function, stratus_endpoint):
    function_url = url_function()
    url_id = url_id_of(function_url)
    event = requests.get(f"{stratus_endpoint}/_stratus/lambda-url/{url_id}/a/b?mode=echo", timeout=30).json()
    assert event["rawPath"] == "/a/b"
    assert event["requestContext"]["domainName"] == urlsplit(function_url).hostname
    root = requests.get(f"{stratus_endpoint}/_stratus/lambda-url/{url_id}?mode=echo", timeout=30).json()
    assert root["rawPath"] == "/"


def test_bodies_are_text_or_base64_by_content_type(url_function, stratus_endpoint):
    function_url = url_function()

    def sent(body: bytes, content_type: str | None) -> dict:
        headers = {"Content-Type": content_type} if content_type else {}
        return call(stratus_endpoint, function_url, "POST", "/?mode=echo", data=body, headers=headers).json()

    event = sent(b'{"example": "test"}', "application/json; charset=utf-8")
    assert (event["body"], event["isBase64Encoded"]) == ('{"example": "test"}', False)
    assert sent(b"plain words", "text/plain")["body"] == "plain words"
    # AWS passes forms, unknown types and untyped bodies base64-encoded.
    form = sent(b"name=Jane&x=1", "application/x-www-form-urlencoded")
    assert form["isBase64Encoded"] is True
    assert base64.b64decode(form["body"]) == b"name=Jane&x=1"
    raw = bytes(range(256))
    binary = sent(raw, "application/octet-stream")
    assert (base64.b64decode(binary["body"]), binary["isBase64Encoded"]) == (raw, True)
    assert base64.b64decode(sent(b"abc", None)["body"]) == b"abc"


def test_answers_without_status_code_are_json_bodies(url_function, stratus_endpoint):
    function_url = url_function()
    text = call(stratus_endpoint, function_url, path="/?mode=string")
    assert text.status_code == 200
    assert text.headers["Content-Type"] == "application/json"
    assert text.text == '"Hello, world!"'
    obj = call(stratus_endpoint, function_url, path="/?mode=object")
    assert (obj.status_code, obj.json()) == (200, {"message": "Hello, world!"})
    nothing = call(stratus_endpoint, function_url, path="/?mode=none")
    assert (nothing.status_code, nothing.text) == (200, "null")


def test_a_custom_response(url_function, stratus_endpoint):
    function_url = url_function()
    response = call(stratus_endpoint, function_url, path="/?mode=custom")
    assert response.status_code == 201
    assert response.text == "created"
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers["My-Custom-Header"] == "Custom Value"
    assert response.headers["X-Count"] == "3"
    assert response.raw.headers.getlist("Set-Cookie") == ["Cookie_1=Value1; Max-Age=78000", "Cookie_2=Value2"]
    empty = call(stratus_endpoint, function_url, path="/?mode=no-type")
    assert (empty.status_code, empty.content) == (204, b"")


def test_a_base64_body_is_sent_as_bytes(url_function, stratus_endpoint):
    response = call(stratus_endpoint, url_function(), path="/?mode=binary")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.content == bytes(range(256))


def test_function_errors_are_502(url_function, stratus_endpoint):
    function_url = url_function()
    failed = call(stratus_endpoint, function_url, path="/?mode=fail")
    assert (failed.status_code, failed.text) == (502, "Internal Server Error")
    malformed = call(stratus_endpoint, function_url, path="/?mode=bad-status")
    assert (malformed.status_code, malformed.text) == (502, "Internal Server Error")


def test_unknown_and_deleted_urls_are_403(url_function, stratus_endpoint, lambda_client):
    unknown = f"http://{'a' * 32}.lambda-url.us-east-1.localhost.localstack.cloud:4566/"
    response = call(stratus_endpoint, unknown)
    assert response.status_code == 403
    assert response.text == '{"Message":null}'
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    function_url = url_function()
    # The Host's region must be the URL's.
    wrong_region = function_url.replace(".us-east-1.", ".eu-west-1.")
    assert call(stratus_endpoint, wrong_region).status_code == 403
    lambda_client.delete_function_url_config(FunctionName="web")
    assert call(stratus_endpoint, function_url).status_code == 403
    function_url = lambda_client.create_function_url_config(FunctionName="web", AuthType="NONE")[
        "FunctionUrl"
    ]
    assert call(stratus_endpoint, function_url, path="/?mode=object").status_code == 200
    lambda_client.delete_function(FunctionName="web")
    assert call(stratus_endpoint, function_url).status_code == 403


def test_reserved_concurrency_zero_throttles(url_function, stratus_endpoint, lambda_client):
    function_url = url_function()
    lambda_client.put_function_concurrency(FunctionName="web", ReservedConcurrentExecutions=0)
    response = call(stratus_endpoint, function_url, path="/?mode=object")
    assert response.status_code == 429
    lambda_client.delete_function_concurrency(FunctionName="web")
    assert call(stratus_endpoint, function_url, path="/?mode=object").status_code == 200


CORS = {
    "AllowOrigins": ["https://www.example.com"],
    "AllowMethods": ["GET", "POST"],
    "AllowHeaders": ["x-custom-header"],
    "ExposeHeaders": ["x-request-id"],
    "AllowCredentials": True,
    "MaxAge": 300,
}


def test_cors_preflight_is_answered_by_the_url(url_function, stratus_endpoint):
    function_url = url_function(Cors=CORS)
    preflight = call(
        stratus_endpoint,
        function_url,
        "OPTIONS",
        "/?mode=echo",
        headers={"Origin": "https://www.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.content == b""  # the function (which echoes) did not run
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://www.example.com"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert preflight.headers["Access-Control-Allow-Headers"] == "x-custom-header"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert preflight.headers["Access-Control-Max-Age"] == "300"
    stranger = call(
        stratus_endpoint,
        function_url,
        "OPTIONS",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert stranger.status_code == 200
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_cors_headers_on_responses(url_function, stratus_endpoint):
    function_url = url_function(Cors=CORS)
    allowed = call(
        stratus_endpoint, function_url, path="/?mode=object", headers={"Origin": "https://www.example.com"}
    )
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.example.com"
    assert allowed.headers["Access-Control-Expose-Headers"] == "x-request-id"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    other = call(
        stratus_endpoint, function_url, path="/?mode=object", headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    # A function that sets CORS headers itself gets the URL's beside its own, as on AWS.
    both = call(
        stratus_endpoint, function_url, path="/?mode=cors", headers={"Origin": "https://www.example.com"}
    )
    assert both.raw.headers.getlist("Access-Control-Allow-Origin") == [
        "https://fn.example",
        "https://www.example.com",
    ]


def test_without_cors_settings_options_reaches_the_function(url_function, stratus_endpoint):
    function_url = url_function()
    response = call(
        stratus_endpoint,
        function_url,
        "OPTIONS",
        "/?mode=echo",
        headers={"Origin": "https://www.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.json()["requestContext"]["http"]["method"] == "OPTIONS"
    assert "Access-Control-Allow-Origin" not in response.headers


def signed(
    method: str, url: str, *, key: str = "test", secret: str = "test", service: str = "lambda"
) -> dict:
    """SigV4 headers for a request to `url` (whose host is the Host the request will carry)."""
    request = AWSRequest(method=method, url=url, data=b"")
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return dict(request.headers)


def test_aws_iam_urls_need_a_lambda_signature(url_function, stratus_endpoint):
    function_url = url_function(AuthType="AWS_IAM")
    unsigned = call(stratus_endpoint, function_url, path="/?mode=echo")
    assert unsigned.status_code == 403
    assert unsigned.text == '{"Message":"Forbidden"}'
    target = f"{function_url.rstrip('/')}/hello?mode=echo"
    other_service = call(
        stratus_endpoint,
        function_url,
        path="/hello?mode=echo",
        headers=signed("GET", target, service="execute-api"),
    )
    assert other_service.status_code == 403
    response = call(stratus_endpoint, function_url, path="/hello?mode=echo", headers=signed("GET", target))
    assert response.status_code == 200
    context = response.json()["requestContext"]
    assert context["accountId"] == ACCOUNT
    assert context["authorizer"]["iam"] == {
        "accessKey": "test",
        "accountId": ACCOUNT,
        "callerId": ACCOUNT,
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": f"arn:aws:iam::{ACCOUNT}:root",
        "userId": ACCOUNT,
    }
    # The path form is signed as it is sent.
    path_url = f"{stratus_endpoint}/_stratus/lambda-url/{url_id_of(function_url)}/x?mode=echo"
    by_path = requests.get(path_url, headers=signed("GET", path_url), timeout=30)
    assert (by_path.status_code, by_path.json()["rawPath"]) == (200, "/x")


def _policy(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


def test_with_iam_enforced_the_caller_needs_both_permissions(url_function, stratus_endpoint, aws_client):
    function_url = url_function(AuthType="AWS_IAM")
    iam = aws_client("iam")
    keys = {}
    for user, actions in {
        "invoker": ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"),
        "url-only": ("lambda:InvokeFunctionUrl",),
    }.items():
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="invoke", PolicyDocument=_policy(*actions))
        keys[user] = iam.create_access_key(UserName=user)["AccessKey"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    try:
        target = f"{function_url.rstrip('/')}/?mode=object"

        def as_user(user: str, secret: str | None = None) -> requests.Response:
            key = keys[user]
            headers = signed("GET", target, key=key["AccessKeyId"], secret=secret or key["SecretAccessKey"])
            return call(stratus_endpoint, function_url, path="/?mode=object", headers=headers)

        answer = as_user("invoker")
        assert (answer.status_code, answer.json()) == (200, {"message": "Hello, world!"})
        assert as_user("url-only").status_code == 403  # lambda:InvokeFunction is needed too
        assert as_user("invoker", secret="wrong").text == '{"Message":"Forbidden"}'
        assert call(stratus_endpoint, function_url, path="/?mode=object").status_code == 403
    finally:
        post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})


def test_with_iam_enforced_a_public_url_needs_a_resource_policy(
    url_function, stratus_endpoint, lambda_client
):
    function_url = url_function()
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    try:
        # Nobody granted the public lambda:InvokeFunctionUrl (AddPermission): AWS answers 403.
        response = call(stratus_endpoint, function_url, path="/?mode=object")
        assert (response.status_code, response.text) == (403, '{"Message":"Forbidden"}')
    finally:
        post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})


def test_with_iam_enforced_a_public_url_works_once_granted(url_function, stratus_endpoint, lambda_client):
    function_url = url_function()
    try:
        # The two statements the console adds for a public URL (since October 2025).
        lambda_client.add_permission(
            FunctionName="web",
            StatementId="FunctionURLAllowPublicAccess",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
    except Exception as error:  # botocore's ClientError
        if getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode") == 501:
            pytest.skip("needs AddPermission")
        raise
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    try:
        assert call(stratus_endpoint, function_url, path="/?mode=object").status_code == 403
        lambda_client.add_permission(
            FunctionName="web",
            StatementId="FunctionURLInvokeAllowPublicAccess",
            Action="lambda:InvokeFunction",
            Principal="*",
            InvokedViaFunctionUrl=True,
        )
        response = call(stratus_endpoint, function_url, path="/?mode=object")
        assert (response.status_code, response.json()) == (200, {"message": "Hello, world!"})
    finally:
        post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})


def test_requests_are_in_the_request_log(url_function, stratus_endpoint):
    function_url = url_function()
    answered = call(stratus_endpoint, function_url, path="/?mode=object")
    failed = call(stratus_endpoint, function_url, path="/?mode=fail")
    log_url = f"{stratus_endpoint}/_stratus/requests?service=lambda"
    entries = requests.get(log_url, timeout=30).json()["requests"]
    url_entries = [e for e in entries if e["operation"] == "InvokeFunctionUrl"]
    assert [(e["request_id"], e["status"], e["error_code"]) for e in url_entries] == [
        (answered.headers["x-amzn-RequestId"], 200, None),
        (failed.headers["x-amzn-RequestId"], 502, "FunctionError"),
    ]
    assert url_entries[0]["principal"] == "anonymous"
    assert any(e["operation"] == "Invoke" and e["internal"] for e in entries)


def _alias_or_skip(lambda_client) -> None:
    try:
        version = lambda_client.publish_version(FunctionName="web")["Version"]
        lambda_client.create_alias(FunctionName="web", Name="live", FunctionVersion=version)
    except requests.RequestException:
        raise
    except Exception as error:  # botocore's ClientError
        if getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode") == 501:
            pytest.skip("needs versions and aliases")
        raise


def test_an_alias_url_runs_the_aliased_version(url_function, stratus_endpoint, lambda_client):
    url_function()
    _alias_or_skip(lambda_client)
    function_url = lambda_client.create_function_url_config(
        FunctionName="web", Qualifier="live", AuthType="NONE"
    )["FunctionUrl"]
    response = call(stratus_endpoint, function_url, path="/?mode=object")
    assert (response.status_code, response.json()) == (200, {"message": "Hello, world!"})
