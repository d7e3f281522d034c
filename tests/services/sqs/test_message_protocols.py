"""The message operations through the legacy query protocol (a form POST to the queue URL) and the AWS CLI."""

import hashlib
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

_CREDENTIALS = Credentials("test", "test")


def _query_post(url: str, params: dict[str, str]) -> tuple[int, str]:
    """A SigV4-signed, form-encoded POST (AWS's legacy query protocol); (status, body text)."""
    body = urlencode({**params, "Version": "2012-11-05"})
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(_CREDENTIALS, "sqs", "us-east-1").add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(
        prepared.url, data=body.encode(), method="POST", headers=dict(prepared.headers.items())
    )
    try:
        with urllib.request.urlopen(raw, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _find(text: str, name: str) -> list[str]:
    """The texts of every element called `name` (whatever its namespace)."""
    root = ElementTree.fromstring(text)
    return [element.text or "" for element in root.iter() if element.tag.rsplit("}", 1)[-1] == name]


# AWS's own SDKs of the query era POST to the queue URL itself, with no QueueUrl parameter; others
# POST to the endpoint with QueueUrl in the form.
_QUEUE_IN_PATH = pytest.param(True, id="queue-url-in-path")
_QUEUE_IN_FORM = pytest.param(False, id="queue-url-parameter")


def _post_to_queue(endpoint: str, name: str, in_path: bool, params: dict[str, str]) -> tuple[int, str]:
    url = f"{endpoint}/000000000000/{name}"
    if in_path:
        return _query_post(url, params)
    return _query_post(endpoint + "/", {**params, "QueueUrl": url})


@pytest.mark.parametrize("in_path", [_QUEUE_IN_PATH, _QUEUE_IN_FORM])
def test_query_send_receive_delete(aws_client, stratus_endpoint, in_path):
    aws_client("sqs").create_queue(QueueName="q")

    def post(params):
        return _post_to_queue(stratus_endpoint, "q", in_path, params)

    status, text = post({"Action": "SendMessage", "MessageBody": "hello & <world>"})
    assert status == 200, text
    assert "<SendMessageResponse" in text
    assert _find(text, "MD5OfMessageBody") == [hashlib.md5(b"hello & <world>").hexdigest()]
    [message_id] = _find(text, "MessageId")

    status, text = post({"Action": "ReceiveMessage", "MaxNumberOfMessages": "10"})
    assert status == 200, text
    assert "<ReceiveMessageResponse" in text
    assert _find(text, "Body") == ["hello & <world>"]
    assert _find(text, "MessageId") == [message_id]
    assert _find(text, "MD5OfBody") == [hashlib.md5(b"hello & <world>").hexdigest()]
    [handle] = _find(text, "ReceiptHandle")

    status, text = post({"Action": "DeleteMessage", "ReceiptHandle": handle})
    assert status == 200, text
    assert "<DeleteMessageResponse" in text
    status, text = post({"Action": "ReceiveMessage"})
    assert status == 200, text
    assert _find(text, "Message") == []


@pytest.mark.parametrize("in_path", [_QUEUE_IN_PATH, _QUEUE_IN_FORM])
def test_query_send_to_a_missing_queue_is_non_existent_queue(stratus_endpoint, in_path):
    status, text = _post_to_queue(
        stratus_endpoint, "no-such-queue", in_path, {"Action": "SendMessage", "MessageBody": "x"}
    )
    assert status == 400, text
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in text
    assert "<Type>Sender</Type>" in text


def test_aws_cli_create_send_receive_delete(aws_cli):
    def aws(*args: str) -> dict:
        result = aws_cli("sqs", *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    url = aws("create-queue", "--queue-name", "cli-queue")["QueueUrl"]
    assert url.endswith("/000000000000/cli-queue")
    sent = aws("send-message", "--queue-url", url, "--message-body", "from the cli")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"from the cli").hexdigest()
    received = aws("receive-message", "--queue-url", url, "--max-number-of-messages", "10")
    [message] = received["Messages"]
    assert message["Body"] == "from the cli"
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert aws("delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"]) == {}
    assert aws("receive-message", "--queue-url", url) == {}
