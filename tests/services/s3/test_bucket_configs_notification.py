"""Event notification configuration: storage, generated ids, filters, ARNs and overlaps; the legacy API."""

import pytest
from botocore.exceptions import ClientError

from .support import error_fields, error_of

QUEUE = "arn:aws:sqs:us-east-1:000000000000:events"
TOPIC = "arn:aws:sns:us-east-1:000000000000:events"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:handler"


def _put(s3, bucket: str, config: dict):
    return s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)


def _error(s3, bucket: str, config: dict):
    with pytest.raises(ClientError) as excinfo:
        _put(s3, bucket, config)
    return excinfo


def test_a_bucket_without_notifications_answers_an_empty_configuration(s3, bucket):
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert not {"QueueConfigurations", "TopicConfigurations", "LambdaFunctionConfigurations"} & set(got)


def test_notification_round_trip(s3, bucket):
    config = {
        "QueueConfigurations": [
            {
                "Id": "images",
                "QueueArn": QUEUE,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {
                        "FilterRules": [
                            {"Name": "prefix", "Value": "images/"},
                            {"Name": "Suffix", "Value": ".jpg"},
                        ]
                    }
                },
            }
        ],
        "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:Delete"]}],
        "LambdaFunctionConfigurations": [
            {
                "LambdaFunctionArn": FUNCTION,
                "Events": ["s3:ObjectCreated:Put"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "docs/"}]}},
            }
        ],
        "EventBridgeConfiguration": {},
    }
    _put(s3, bucket, config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    queue = got["QueueConfigurations"][0]
    assert queue["Id"] == "images"
    assert queue["QueueArn"] == QUEUE
    assert queue["Events"] == ["s3:ObjectCreated:*"]
    # S3 answers the rule names capitalised, whatever case they were sent in
    assert queue["Filter"]["Key"]["FilterRules"] == [
        {"Name": "Prefix", "Value": "images/"},
        {"Name": "Suffix", "Value": ".jpg"},
    ]
    topic = got["TopicConfigurations"][0]
    assert topic["TopicArn"] == TOPIC
    assert len(topic["Id"]) > 10  # made up by S3
    assert got["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"] == FUNCTION
    assert got["EventBridgeConfiguration"] == {}

    _put(s3, bucket, {})
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert "QueueConfigurations" not in got and "EventBridgeConfiguration" not in got


@pytest.mark.parametrize(
    ("config", "message", "argument_name"),
    [
        (
            {"QueueConfigurations": [{"QueueArn": "not-an-arn", "Events": ["s3:ObjectCreated:*"]}]},
            "The ARN is not well formed",
            "Queue",
        ),
        (
            {"TopicConfigurations": [{"TopicArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}]},
            "The ARN is not well formed",
            "Topic",
        ),
        (
            {
                "LambdaFunctionConfigurations": [
                    {
                        "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:handler",
                        "Events": ["s3:ObjectCreated:*"],
                    }
                ]
            },
            "The ARN is not well formed",
            "CloudFunction",
        ),
        (
            {
                "QueueConfigurations": [
                    {"QueueArn": "arn:aws:sqs:eu-west-1:000000000000:q", "Events": ["s3:ObjectCreated:*"]}
                ]
            },
            "The notification destination service region is not valid for the bucket location constraint",
            "Queue",
        ),
        (
            {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Get"]}]},
            "The event is not supported for notifications",
            "Event",
        ),
        (
            {
                "QueueConfigurations": [
                    {
                        "QueueArn": QUEUE,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "middle", "Value": "x"}]}},
                    }
                ]
            },
            "filter rule name must be either prefix or suffix",
            "FilterRule.Name",
        ),
        (
            {
                "QueueConfigurations": [
                    {
                        "QueueArn": QUEUE,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {
                            "Key": {
                                "FilterRules": [
                                    {"Name": "prefix", "Value": "a"},
                                    {"Name": "Prefix", "Value": "b"},
                                ]
                            }
                        },
                    }
                ]
            },
            "Cannot specify more than one prefix rule in a filter.",
            "FilterRule.Name",
        ),
    ],
)
def test_invalid_notification_configurations(s3, bucket, config, message, argument_name):
    excinfo = _error(s3, bucket, config)
    assert error_of(excinfo) == ("InvalidArgument", message)
    assert error_fields(excinfo)["ArgumentName"] == argument_name


def test_overlapping_configurations(s3, bucket):
    overlap = "Configurations overlap. Configurations on the same bucket cannot share a common event type."
    excinfo = _error(
        s3,
        bucket,
        {
            "QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}],
            "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Put"]}],
        },
    )
    assert error_of(excinfo) == ("InvalidArgument", overlap)

    def with_prefix(prefix):
        return {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}

    excinfo = _error(
        s3,
        bucket,
        {
            "QueueConfigurations": [
                {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": with_prefix("images/")},
                {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": with_prefix("images/raw/")},
            ]
        },
    )
    assert error_of(excinfo) == ("InvalidArgument", overlap)
    # distinct prefixes, or distinct events, do not overlap
    _put(
        s3,
        bucket,
        {
            "QueueConfigurations": [
                {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": with_prefix("images/")},
                {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": with_prefix("videos/")},
                {"QueueArn": QUEUE, "Events": ["s3:ObjectRemoved:*"], "Filter": with_prefix("images/")},
            ]
        },
    )


def test_legacy_notification_api(s3, bucket):
    s3.put_bucket_notification(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfiguration": {"Id": "old", "Event": "s3:ObjectCreated:*", "Queue": QUEUE}
        },
    )
    legacy = s3.get_bucket_notification(Bucket=bucket)
    assert legacy["QueueConfiguration"]["Queue"] == QUEUE
    assert legacy["QueueConfiguration"]["Event"] == "s3:ObjectCreated:*"
    current = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert current["QueueConfigurations"] == [
        {"Id": "old", "QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}
    ]
