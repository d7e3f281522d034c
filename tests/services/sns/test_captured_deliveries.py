"""Email, email-json, SMS and mobile push are captured where a test can read them:
`GET /_stratus/sns/messages` (and the outcome of each delivery at `/_stratus/sns/deliveries`)."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

from stratus.testing import post_json


def _get(server: str, path: str, **query: str) -> dict:
    with urllib.request.urlopen(f"{server}{path}?{urllib.parse.urlencode(query)}") as answer:
        return json.loads(answer.read())


def _messages(server: str, count: int, **query: str) -> list[dict]:
    deadline = time.time() + 5
    while True:
        found = _get(server, "/_stratus/sns/messages", **query)["messages"]
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.05)


def test_email_subscription_is_confirmed_through_the_mailed_link(sns, topic_arn, stratus_endpoint):
    assert sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="dev@example.com")["SubscriptionArn"] == (
        "pending confirmation"
    )
    [mail] = _messages(stratus_endpoint, 1, endpoint="dev@example.com")
    assert mail["kind"] == "SubscriptionConfirmation" and mail["topic_arn"] == topic_arn
    link = next(line for line in mail["body"].splitlines() if "Action=ConfirmSubscription" in line)
    with urllib.request.urlopen(link) as answer:
        assert b"<ConfirmSubscriptionResponse" in answer.read()
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert subscription["SubscriptionArn"].startswith(topic_arn + ":")

    sns.publish(TopicArn=topic_arn, Message="Your order shipped", Subject="Order 42")
    mails = _messages(stratus_endpoint, 2, endpoint="dev@example.com")
    notification = mails[1]
    assert notification["kind"] == "Notification" and notification["subject"] == "Order 42"
    assert notification["body"].startswith("Your order shipped")
    assert "Action=Unsubscribe" in notification["body"]  # the footer's unsubscribe link


def test_email_json_gets_the_signed_envelope(sns, topic_arn, stratus_endpoint):
    sns.subscribe(TopicArn=topic_arn, Protocol="email-json", Endpoint="ops@example.com")
    [confirmation] = _messages(stratus_endpoint, 1, endpoint="ops@example.com")
    token = json.loads(confirmation["body"])["Token"]
    sns.confirm_subscription(TopicArn=topic_arn, Token=token)
    message_id = sns.publish(TopicArn=topic_arn, Message="as json")["MessageId"]
    document = json.loads(_messages(stratus_endpoint, 2, endpoint="ops@example.com")[1]["body"])
    assert document["Type"] == "Notification" and document["MessageId"] == message_id
    assert document["Message"] == "as json" and document["Signature"]


def test_sms_to_a_topic_subscriber_and_to_a_phone_number(sns, topic_arn, stratus_endpoint):
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="DisplayName", AttributeValue="SHOP")
    sns.subscribe(TopicArn=topic_arn, Protocol="sms", Endpoint="+15555550100")
    sns.publish(TopicArn=topic_arn, Message="code 1234")
    [texted] = _messages(stratus_endpoint, 1, endpoint="+15555550100")
    assert texted["protocol"] == "sms" and texted["body"] == "SHOP> code 1234"

    sns.publish(PhoneNumber="+15555550111", Message="direct text")
    [direct] = _messages(stratus_endpoint, 1, endpoint="+15555550111")
    assert direct["body"] == "direct text" and direct["topic_arn"] is None


def test_an_opted_out_number_gets_nothing(sns, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/sns/opt-out", {"phone_number": "+15555550122"})
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550122")["isOptedOut"] is True
    message_id = sns.publish(PhoneNumber="+15555550122", Message="blocked")["MessageId"]
    deadline = time.time() + 5
    while time.time() < deadline:
        failures = _get(stratus_endpoint, "/_stratus/sns/deliveries", status="FAILURE")["deliveries"]
        if failures:
            break
        time.sleep(0.05)
    assert failures[0]["message_id"] == message_id and "opted out" in failures[0]["detail"]
    assert _get(stratus_endpoint, "/_stratus/sns/messages", endpoint="+15555550122")["messages"] == []


def test_mobile_push_to_an_endpoint_uses_the_platform_entry(sns, stratus_endpoint):
    app = sns.create_platform_application(
        Name="app", Platform="GCM", Attributes={"PlatformCredential": "server-key"}
    )["PlatformApplicationArn"]
    endpoint_arn = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token")["EndpointArn"]
    message = json.dumps({"default": "plain", "GCM": json.dumps({"notification": {"title": "hi"}})})
    sns.publish(TargetArn=endpoint_arn, Message=message, MessageStructure="json")
    [push] = _messages(stratus_endpoint, 1, endpoint=endpoint_arn)
    assert push["protocol"] == "application"
    assert json.loads(push["body"]) == {"notification": {"title": "hi"}}


def test_lambda_subscriptions_fail_honestly_until_lambda_exists(sns, topic_arn, stratus_endpoint):
    function = "arn:aws:lambda:us-east-1:000000000000:function:handler"
    sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=function)
    sns.publish(TopicArn=topic_arn, Message="for a function")
    deadline = time.time() + 5
    while time.time() < deadline:
        failures = _get(stratus_endpoint, "/_stratus/sns/deliveries", status="FAILURE")["deliveries"]
        if failures:
            break
        time.sleep(0.05)
    assert failures[0]["endpoint"] == function
    assert failures[0]["detail"].startswith("NotImplemented")
