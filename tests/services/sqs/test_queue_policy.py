"""Queue policies decide, through the IAM engine, when STRATUS_IAM is not off: another account's
user needs the policy, and a service principal (an SNS topic) needs it with aws:SourceArn."""

from __future__ import annotations

import json
import os

import pytest
from botocore.exceptions import ClientError

from stratus.auth.credentials import Principal
from stratus.core.context import RequestContext
from stratus.testing import post_json

OWNER, OTHER = "000000000000", "111111111111"
TOPIC = f"arn:aws:sns:us-east-1:{OWNER}:orders-topic"


@pytest.fixture
def queue(aws_client, stratus_endpoint):
    sqs = aws_client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    return sqs, url, f"arn:aws:sqs:us-east-1:{OWNER}:orders"


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_another_accounts_user_needs_the_queue_policy(aws_client, queue):
    sqs, url, arn = queue
    iam = aws_client("iam", aws_access_key_id=OTHER, aws_secret_access_key="test")
    iam.create_user(UserName="producer")
    iam.put_user_policy(
        UserName="producer",
        PolicyName="send",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}),
    )
    key = iam.create_access_key(UserName="producer")["AccessKey"]
    producer = aws_client(
        "sqs", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    with pytest.raises(ClientError) as caught:
        producer.send_message(QueueUrl=url, MessageBody="hello")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:user/producer"},
        "Action": "sqs:SendMessage",
        "Resource": arn,
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(grant)})
    producer.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"


@pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="calls the provider inside the server")
def test_a_service_principal_needs_the_policy_with_its_source_arn(queue, stratus_server):
    sqs, url, arn = queue
    runtime = stratus_server.runtime

    async def send_as_sns(source_arn: str) -> str:
        ctx = RequestContext(
            runtime=runtime,
            service="sns",
            operation="Publish",
            account_id=OWNER,
            region="us-east-1",
            principal=Principal.root(OWNER),
            request_id="test",
            time=runtime.clock.now(),
        )
        client = ctx.aws("sqs", principal="sns.amazonaws.com", source_arn=source_arn)
        try:
            await client.send_message(QueueUrl=url, MessageBody="from sns")
            return "sent"
        except Exception as error:  # the ServiceError the internal client raises
            return getattr(error, "code", repr(error))

    assert stratus_server.call_on_loop(send_as_sns(TOPIC)) == "AccessDenied"
    from_topic = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}},
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(from_topic)})
    assert stratus_server.call_on_loop(send_as_sns(TOPIC)) == "sent"
    assert stratus_server.call_on_loop(send_as_sns(TOPIC + "-other")) == "AccessDenied"
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "from sns"
