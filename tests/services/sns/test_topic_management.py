"""Topics after creation: DeleteTopic, ListTopics, tags, Add/RemovePermission and the data protection
policy, as the SNS API reference describes them."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .support import (
    ACCOUNT,
    OTHER_ACCOUNT,
    REGION,
    error_and_status_of,
    queue_arn,
    topic_attributes,
)

# What AWS writes as the policy of every new topic (recorded from AWS, certain).
from .topics_support import (
    DATA_PROTECTION_POLICY,
    as_list,
    default_policy,
    sorted_tags,
)

# --- DeleteTopic ----------------------------------------------------------------------------------


def test_delete_topic(sns, topic_arn):
    assert sns.delete_topic(TopicArn=topic_arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sns.list_topics()["Topics"] == []
    with pytest.raises(ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn=topic_arn)
    assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


def test_delete_topic_is_idempotent(sns, topic_arn):
    # documented: deleting a topic that does not exist is not an error
    sns.delete_topic(TopicArn=topic_arn)
    assert sns.delete_topic(TopicArn=topic_arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    sns.delete_topic(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:never-created")


def test_delete_topic_with_a_malformed_arn(sns):
    # inferred: every TopicArn member is parsed the same way (recorded for Get/Publish/Subscribe)
    with pytest.raises(ClientError) as excinfo:
        sns.delete_topic(TopicArn="not-an-arn")
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1",
        400,
    )


def test_delete_topic_removes_its_subscriptions_and_tags(sns, sqs, topic_arn):
    other_topic = sns.create_topic(Name="other")["TopicArn"]
    queue = queue_arn(sqs, "work")
    doomed = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="someone@example.com")
    kept = sns.subscribe(TopicArn=other_topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "a", "Value": "1"}])

    sns.delete_topic(TopicArn=topic_arn)
    assert [sub["SubscriptionArn"] for sub in sns.list_subscriptions()["Subscriptions"]] == [kept]
    # AWS keeps a deleted topic's subscriptions detached for a while before collecting them; here
    # they are gone at once
    with pytest.raises(ClientError) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=doomed)
    assert error_and_status_of(excinfo) == ("NotFound", "Subscription does not exist", 404)

    assert sns.create_topic(Name="events")["TopicArn"] == topic_arn
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []
    assert topic_attributes(sns, topic_arn)["SubscriptionsConfirmed"] == "0"


# --- ListTopics -----------------------------------------------------------------------------------


def test_list_topics_pages_by_100(sns):
    created = {sns.create_topic(Name=f"topic-{index:03d}")["TopicArn"] for index in range(150)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100
    assert first["NextToken"]
    second = sns.list_topics(NextToken=first["NextToken"])
    assert len(second["Topics"]) == 50
    assert "NextToken" not in second
    listed = [topic["TopicArn"] for topic in first["Topics"] + second["Topics"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == created


def test_list_topics_paginator(sns):
    created = {sns.create_topic(Name=f"topic-{index:03d}")["TopicArn"] for index in range(101)}
    pages = list(sns.get_paginator("list_topics").paginate())
    assert [len(page["Topics"]) for page in pages] == [100, 1]
    assert {topic["TopicArn"] for page in pages for topic in page["Topics"]} == created


def test_list_topics_when_empty(sns):
    response = sns.list_topics()
    assert response["Topics"] == []
    assert "NextToken" not in response


def test_list_topics_with_an_invalid_token(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.list_topics(NextToken="not-a-token")
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: NextToken")  # unconfirmed wording


# --- tags -----------------------------------------------------------------------------------------


def test_tag_untag_and_list(sns, topic_arn):
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}])
    assert sorted_tags(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]) == [
        {"Key": "k1", "Value": "v1"},
        {"Key": "k2", "Value": "v2"},
    ]
    sns.untag_resource(ResourceArn=topic_arn, TagKeys=["k1", "not-there"])
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == [{"Key": "k2", "Value": "v2"}]
    # a tag with an existing key replaces it
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k2", "Value": "v2b"}])
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == [{"Key": "k2", "Value": "v2b"}]
    # tags are case-sensitive
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "K2", "Value": "upper"}])
    assert len(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]) == 2


def test_duplicate_keys_in_one_request(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.tag_resource(
            ResourceArn=topic_arn,
            Tags=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}, {"Key": "k2", "Value": "v2"}],
        )
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Duplicated keys are not allowed.",
        400,
    )
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []


def test_at_most_50_tags(sns, topic_arn):
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k0", "Value": "replaced"}])  # not a 51st tag
    with pytest.raises(ClientError) as excinfo:
        sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k50", "Value": "v"}])
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("TagLimitExceeded", 400)
    # unconfirmed wording
    assert message == "Could not complete request: tag quota of per resource exceeded"
    tags = sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]
    assert len(tags) == 50
    assert {"Key": "k0", "Value": "replaced"} in tags


def test_at_most_50_tags_at_creation(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="crowded", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert error_and_status_of(excinfo)[0::2] == ("TagLimitExceeded", 400)
    assert sns.list_topics()["Topics"] == []


def test_tag_key_and_value_lengths(sns, topic_arn):
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    for tags, member in (
        ([{"Key": "k" * 129, "Value": "v"}], "tags.1.member.key"),
        ([{"Key": "k", "Value": "v" * 257}], "tags.1.member.value"),
    ):
        with pytest.raises(ClientError) as excinfo:
            sns.tag_resource(ResourceArn=topic_arn, Tags=tags)
        code, message, status = error_and_status_of(excinfo)
        # the model's limits (TagKey 1-128, TagValue 0-256), answered the query-protocol Coral way
        # AWS uses for SNS model violations (seen for PublishBatch); wording for tags unconfirmed
        assert (code, status) == ("ValidationError", 400)
        assert member in message
        assert "failed to satisfy constraint: Member must have length less than or equal to" in message
    assert len(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]) == 1


def test_tags_of_a_missing_topic(sns, topic_arn):
    missing = f"{topic_arn}-missing"
    for call in (
        lambda: sns.tag_resource(ResourceArn=missing, Tags=[{"Key": "a", "Value": "b"}]),
        lambda: sns.untag_resource(ResourceArn=missing, TagKeys=["a"]),
        lambda: sns.list_tags_for_resource(ResourceArn=missing),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        code, message, status = error_and_status_of(excinfo)
        assert (code, status) == ("ResourceNotFound", 404)
        assert message == "Resource does not exist"  # unconfirmed wording


# --- AddPermission / RemovePermission -------------------------------------------------------------


def statement(policy: dict, sid: str) -> dict | None:
    return next((item for item in policy["Statement"] if item.get("Sid") == sid), None)


def test_add_and_remove_permission(sns, topic_arn):
    sns.add_permission(
        TopicArn=topic_arn, Label="publishers", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
    )
    policy = json.loads(topic_attributes(sns, topic_arn)["Policy"])
    assert policy["Statement"][0] == default_policy(topic_arn)["Statement"][0]
    added = statement(policy, "publishers")
    assert added["Effect"] == "Allow"
    assert as_list(added["Principal"]["AWS"]) == [f"arn:aws:iam::{OTHER_ACCOUNT}:root"]
    assert as_list(added["Action"]) == ["SNS:Publish"]
    assert added["Resource"] == topic_arn

    sns.remove_permission(TopicArn=topic_arn, Label="publishers")
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_add_permission_with_several_accounts_and_actions(sns, topic_arn):
    sns.add_permission(
        TopicArn=topic_arn,
        Label="partners",
        AWSAccountId=["888888888888", "999999999999"],
        ActionName=["Publish", "Subscribe", "GetTopicAttributes"],
    )
    added = statement(json.loads(topic_attributes(sns, topic_arn)["Policy"]), "partners")
    assert sorted(as_list(added["Principal"]["AWS"])) == [
        "arn:aws:iam::888888888888:root",
        "arn:aws:iam::999999999999:root",
    ]
    assert sorted(as_list(added["Action"])) == ["SNS:GetTopicAttributes", "SNS:Publish", "SNS:Subscribe"]


def test_add_permission_with_a_taken_label(sns, topic_arn):
    sns.add_permission(
        TopicArn=topic_arn, Label="publishers", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
    )
    with pytest.raises(ClientError) as excinfo:
        sns.add_permission(
            TopicArn=topic_arn, Label="publishers", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Subscribe"]
        )
    # unconfirmed wording
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Statement already exists",
        400,
    )
    assert as_list(
        statement(json.loads(topic_attributes(sns, topic_arn)["Policy"]), "publishers")["Action"]
    ) == ["SNS:Publish"]


def test_add_permission_with_an_unknown_action(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.add_permission(
            TopicArn=topic_arn, Label="bad", AWSAccountId=[OTHER_ACCOUNT], ActionName=["NotExistingAction"]
        )
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    # unconfirmed: the sentence is known, not what (if anything) AWS appends to it
    assert message.startswith("Invalid parameter: Policy statement action out of service scope!")
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_remove_an_unknown_label(sns, topic_arn):
    # unconfirmed: removing a label that is not in the policy is accepted and changes nothing
    sns.remove_permission(TopicArn=topic_arn, Label="never-added")
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_permissions_of_a_missing_topic(sns, topic_arn):
    missing = f"{topic_arn}-missing"
    for call in (
        lambda: sns.add_permission(
            TopicArn=missing, Label="x", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
        ),
        lambda: sns.remove_permission(TopicArn=missing, Label="x"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


# --- data protection policy -----------------------------------------------------------------------


def test_data_protection_policy_round_trip(sns, topic_arn):
    assert sns.get_data_protection_policy(ResourceArn=topic_arn).get("DataProtectionPolicy", "") == ""
    sns.put_data_protection_policy(
        ResourceArn=topic_arn, DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY)
    )
    stored = sns.get_data_protection_policy(ResourceArn=topic_arn)["DataProtectionPolicy"]
    assert json.loads(stored) == DATA_PROTECTION_POLICY

    # a put replaces the one policy a topic has
    replacement = {**DATA_PROTECTION_POLICY, "Name": "replacement"}
    sns.put_data_protection_policy(ResourceArn=topic_arn, DataProtectionPolicy=json.dumps(replacement))
    assert (
        json.loads(sns.get_data_protection_policy(ResourceArn=topic_arn)["DataProtectionPolicy"])
        == replacement
    )


def test_invalid_data_protection_policy(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.put_data_protection_policy(ResourceArn=topic_arn, DataProtectionPolicy="{not json")
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: ")  # unconfirmed wording
    assert sns.get_data_protection_policy(ResourceArn=topic_arn).get("DataProtectionPolicy", "") == ""


def test_data_protection_policy_of_a_missing_topic(sns, topic_arn):
    missing = f"{topic_arn}-missing"
    for call in (
        lambda: sns.get_data_protection_policy(ResourceArn=missing),
        lambda: sns.put_data_protection_policy(
            ResourceArn=missing, DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY)
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo)[0::2] == ("NotFound", 404)
