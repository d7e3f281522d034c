"""Queue tags: at creation, TagQueue, UntagQueue, ListQueueTags and AWS's limits."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import error_of

ACCOUNT = "000000000000"


def test_tags_at_creation_and_listing(sqs):
    url = sqs.create_queue(QueueName="q", tags={"env": "dev", "team": "core"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev", "team": "core"}
    bare = sqs.create_queue(QueueName="bare")["QueueUrl"]
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=bare)


def test_tag_untag_and_overwrite(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"a": "1", "b": "2"})
    sqs.tag_queue(QueueUrl=url, Tags={"a": "one", "c": ""})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"a": "one", "b": "2", "c": ""}
    sqs.untag_queue(QueueUrl=url, TagKeys=["b", "not-there"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"a": "one", "c": ""}


def test_at_most_50_tags(sqs):
    url = sqs.create_queue(QueueName="q", tags={f"k{i}": "v" for i in range(50)})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"k0": "replaced"})  # an existing key does not count twice
    with pytest.raises(ClientError) as excinfo:
        sqs.tag_queue(QueueUrl=url, Tags={"k50": "v"})
    assert error_of(excinfo) == ("InvalidParameterValue", "Too many tags added for queue q.")
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="big", tags={f"k{i}": "v" for i in range(51)})
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_tag_key_and_value_lengths(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for tags in ({"k" * 129: "v"}, {"k": "v" * 257}):
        with pytest.raises(ClientError) as excinfo:
            sqs.tag_queue(QueueUrl=url, Tags=tags)
        assert error_of(excinfo)[0] == "InvalidParameterValue"
    sqs.tag_queue(QueueUrl=url, Tags={"k" * 128: "v" * 256})


def test_tags_on_a_missing_queue(sqs, stratus_endpoint):
    url = f"{stratus_endpoint}/{ACCOUNT}/missing"
    for call in (
        lambda: sqs.tag_queue(QueueUrl=url, Tags={"a": "b"}),
        lambda: sqs.untag_queue(QueueUrl=url, TagKeys=["a"]),
        lambda: sqs.list_queue_tags(QueueUrl=url),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[0] == "AWS.SimpleQueueService.NonExistentQueue"
