"""Helpers shared by the event-source-mapping control-plane tests (test_esm_api_*.py): the
`queue_arn` and `stream_arn` fixtures (an SQS queue and a DynamoDB stream to map), the message
for a missing queue, and `error_of`, which gives a refused call's code, message and status.
"""

import pytest
from botocore.exceptions import ClientError

QUEUE_NOT_FOUND = (
    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
    "SQS Error Message: The specified queue does not exist or you do not have access to it."
)


@pytest.fixture(name="queue_arn")
def queue_arn_fixture(aws_client):
    def make(name="source", **attributes):
        sqs = aws_client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    return make


@pytest.fixture(name="stream_arn")
def stream_arn_fixture(aws_client):
    answer = aws_client("dynamodb").create_table(
        TableName="items",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    return answer["TableDescription"]["LatestStreamArn"]


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )
