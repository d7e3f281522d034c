"""SQS queue management through boto3 (JSON), the legacy query protocol and the AWS CLI."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from .support import error_of

ACCOUNT = "000000000000"


def test_create_queue_returns_a_url_that_get_queue_url_finds(sqs, stratus_endpoint):
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"{stratus_endpoint}/{ACCOUNT}/orders"
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName="orders", QueueOwnerAWSAccountId=ACCOUNT)["QueueUrl"] == url


def test_get_queue_url_of_a_missing_queue(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_url(QueueName="nope")
    assert error_of(excinfo) == (
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("name", ["", "has space", "a" * 81, "dot.name", "x.fifo"])
def test_bad_standard_queue_names_are_refused(sqs, name):
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName=name)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
    )


def test_fifo_queue_needs_the_fifo_suffix(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="jobs", Attributes={"FifoQueue": "true"})
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValue" and "must end with .fifo suffix" in message
    url = sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    assert url.endswith("/jobs.fifo")
    # 80 characters in all, suffix included
    sqs.create_queue(QueueName="a" * 75 + ".fifo", Attributes={"FifoQueue": "true"})
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="a" * 76 + ".fifo", Attributes={"FifoQueue": "true"})


def test_fifo_attributes_are_unknown_on_a_standard_queue(sqs):
    for name, value in [
        ("FifoQueue", "false"),
        ("ContentBasedDeduplication", "true"),
        ("DeduplicationScope", "queue"),
    ]:
        with pytest.raises(ClientError) as excinfo:
            sqs.create_queue(QueueName="std", Attributes={name: value})
        assert error_of(excinfo) == ("InvalidAttributeName", f"Unknown Attribute {name}.")


def test_create_is_idempotent_with_the_same_attributes(sqs):
    first = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"] == first
    assert sqs.create_queue(QueueName="q")["QueueUrl"] == first  # no attributes named: nothing compared
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "61"})
    assert error_of(excinfo) == (
        "QueueAlreadyExists",
        "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
    )


def test_list_queues_by_prefix_and_in_pages(sqs):
    for name in ["b1", "a1", "a2", "a3"]:
        sqs.create_queue(QueueName=name)
    urls = sqs.list_queues()["QueueUrls"]
    assert [url.rsplit("/", 1)[1] for url in urls] == ["a1", "a2", "a3", "b1"]
    assert "NextToken" not in sqs.list_queues()
    assert [u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix="a")["QueueUrls"]] == [
        "a1",
        "a2",
        "a3",
    ]
    page = sqs.list_queues(QueueNamePrefix="a", MaxResults=2)
    assert len(page["QueueUrls"]) == 2 and page["NextToken"]
    rest = sqs.list_queues(QueueNamePrefix="a", MaxResults=2, NextToken=page["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in rest["QueueUrls"]] == ["a3"] and "NextToken" not in rest
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="zzz")
    with pytest.raises(ClientError) as excinfo:
        sqs.list_queues(MaxResults=1001)
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_queues_are_isolated_by_region(aws_client):
    aws_client("sqs").create_queue(QueueName="here")
    other = aws_client("sqs", region_name="eu-west-1")
    assert "QueueUrls" not in other.list_queues()
    with pytest.raises(ClientError):
        other.get_queue_url(QueueName="here")


def test_delete_queue_removes_it_and_its_tags(sqs, stratus_server):
    url = sqs.create_queue(QueueName="gone", tags={"a": "b"})["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert error_of(excinfo)[0] == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(ClientError):
        sqs.delete_queue(QueueUrl=url)
    # The name is blocked for 60 seconds after a delete, as in AWS.
    with pytest.raises(ClientError) as recently:
        sqs.create_queue(QueueName="gone")
    assert error_of(recently)[0] == "AWS.SimpleQueueService.QueueDeletedRecently"
    stratus_server.advance_clock(60)
    url = sqs.create_queue(QueueName="gone")["QueueUrl"]
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_purge_queue_once_a_minute(sqs, stratus_server):
    url = sqs.create_queue(QueueName="p")["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    with pytest.raises(ClientError) as excinfo:
        sqs.purge_queue(QueueUrl=url)
    assert error_of(excinfo) == (
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        "Only one PurgeQueue operation on p is allowed every 60 seconds.",
    )
    stratus_server.advance_clock(61)
    sqs.purge_queue(QueueUrl=url)
    with pytest.raises(ClientError) as excinfo:
        sqs.purge_queue(QueueUrl=url.replace("/p", "/missing"))
    assert error_of(excinfo)[0] == "AWS.SimpleQueueService.NonExistentQueue"


def test_list_dead_letter_source_queues(sqs):
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "3"})
    for name in ["src1", "src2", "src3"]:
        sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": policy})
    sqs.create_queue(QueueName="unrelated")
    urls = sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]
    assert [url.rsplit("/", 1)[1] for url in urls] == ["src1", "src2", "src3"]
    page = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert len(page["queueUrls"]) == 2
    rest = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=page["NextToken"])
    assert [url.rsplit("/", 1)[1] for url in rest["queueUrls"]] == ["src3"]


# ---------------------------------------------------------------- the legacy query protocol


def _query(endpoint: str, body: str) -> tuple[int, str]:
    request = urllib.request.Request(
        endpoint + "/",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, "
            "SignedHeaders=host, Signature=00",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_query_protocol_create_queue_and_missing_queue(stratus_endpoint):
    status, text = _query(stratus_endpoint, "Action=CreateQueue&QueueName=q&Version=2012-11-05")
    assert status == 200, text
    assert "<CreateQueueResponse" in text and f"<QueueUrl>{stratus_endpoint}/{ACCOUNT}/q</QueueUrl>" in text
    status, text = _query(
        stratus_endpoint,
        "Action=CreateQueue&QueueName=q2&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=99&Version=2012-11-05",
    )
    assert status == 200, text
    status, text = _query(
        stratus_endpoint,
        f"Action=GetQueueAttributes&QueueUrl={stratus_endpoint}/{ACCOUNT}/q2&AttributeName.1=VisibilityTimeout"
        "&Version=2012-11-05",
    )
    assert status == 200, text
    assert "<Name>VisibilityTimeout</Name><Value>99</Value>" in text.replace("\n", "").replace(" ", "")
    status, text = _query(stratus_endpoint, "Action=GetQueueUrl&QueueName=nope&Version=2012-11-05")
    assert status == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in text


def test_aws_cli_creates_and_lists_queues(aws_cli):
    def run(*args: str):
        return aws_cli("sqs", *args)

    created = run("create-queue", "--queue-name", "cli-q", "--attributes", "DelaySeconds=5")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["QueueUrl"].endswith(f"/{ACCOUNT}/cli-q")
    listed = run("list-queues")
    assert listed.returncode == 0, listed.stderr
    assert [url.rsplit("/", 1)[1] for url in json.loads(listed.stdout)["QueueUrls"]] == ["cli-q"]
    missing = run("get-queue-url", "--queue-name", "nope")
    assert missing.returncode != 0
    assert "NonExistentQueue" in missing.stderr or "QueueDoesNotExist" in missing.stderr
