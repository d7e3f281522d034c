"""Email, email-json, SMS and mobile push are captured where a test can read them:
`GET /_stratus/sns/messages` (and the outcome of each delivery at `/_stratus/sns/deliveries`)."""

from __future__ import annotations

import json
import urllib.request

from stratus.testing import post_json

from .support import captured_messages, failed_deliveries, stratus_json


def test_email_subscription_is_confirmed_through_the_mailed_link(sns, topic_arn, stratus_endpoint):
    assert sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="dev@example.com")[
        "SubscriptionArn"
    ] == ("pending confirmation")
    [mail] = captured_messages(stratus_endpoint, 1, endpoint="dev@example.com")
    assert mail["kind"] == "SubscriptionConfirmation" and mail["topic_arn"] == topic_arn
    link = next(line for line in mail["body"].splitlines() if "Action=ConfirmSubscription" in line)
    with urllib.request.urlopen(link) as answer:
        assert b"<ConfirmSubscriptionResponse" in answer.read()
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert subscription["SubscriptionArn"].startswith(topic_arn + ":")

    sns.publish(TopicArn=topic_arn, Message="Your order shipped", Subject="Order 42")
    mails = captured_messages(stratus_endpoint, 2, endpoint="dev@example.com")
    notification = mails[1]
    assert notification["kind"] == "Notification" and notification["subject"] == "Order 42"
    assert notification["body"].startswith("Your order shipped")
    assert "Action=Unsubscribe" in notification["body"]  # the footer's unsubscribe link


def test_email_json_gets_the_signed_envelope(sns, topic_arn, stratus_endpoint):
    sns.subscribe(TopicArn=topic_arn, Protocol="email-json", Endpoint="ops@example.com")
    [confirmation] = captured_messages(stratus_endpoint, 1, endpoint="ops@example.com")
    token = json.loads(confirmation["body"])["Token"]
    sns.confirm_subscription(TopicArn=topic_arn, Token=token)
    message_id = sns.publish(TopicArn=topic_arn, Message="as json")["MessageId"]
    document = json.loads(captured_messages(stratus_endpoint, 2, endpoint="ops@example.com")[1]["body"])
    assert document["Type"] == "Notification" and document["MessageId"] == message_id
    assert document["Message"] == "as json" and document["Signature"]


def test_sms_to_a_topic_subscriber_and_to_a_phone_number(sns, topic_arn, stratus_endpoint):
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="DisplayName", AttributeValue="SHOP")
    sns.subscribe(TopicArn=topic_arn, Protocol="sms", Endpoint="+15555550100")
    sns.publish(TopicArn=topic_arn, Message="code 1234")
    [texted] = captured_messages(stratus_endpoint, 1, endpoint="+15555550100")
    assert texted["protocol"] == "sms" and texted["body"] == "SHOP> code 1234"

    sns.publish(PhoneNumber="+15555550111", Message="direct text")
    [direct] = captured_messages(stratus_endpoint, 1, endpoint="+15555550111")
    assert direct["body"] == "direct text" and direct["topic_arn"] is None


def test_an_opted_out_number_gets_nothing(sns, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/sns/opt-out", {"phone_number": "+15555550122"})
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550122")["isOptedOut"] is True
    message_id = sns.publish(PhoneNumber="+15555550122", Message="blocked")["MessageId"]
    failures = failed_deliveries(stratus_endpoint)
    assert failures[0]["message_id"] == message_id and "opted out" in failures[0]["detail"]
    assert stratus_json(stratus_endpoint, "/_stratus/sns/messages", endpoint="+15555550122")["messages"] == []


def test_mobile_push_to_an_endpoint_uses_the_platform_entry(sns, gcm_app, stratus_endpoint):
    endpoint_arn = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="device-token")[
        "EndpointArn"
    ]
    message = json.dumps({"default": "plain", "GCM": json.dumps({"notification": {"title": "hi"}})})
    sns.publish(TargetArn=endpoint_arn, Message=message, MessageStructure="json")
    [push] = captured_messages(stratus_endpoint, 1, endpoint=endpoint_arn)
    assert push["protocol"] == "application"
    assert json.loads(push["body"]) == {"notification": {"title": "hi"}}


def test_a_lambda_subscription_to_a_missing_function_fails_honestly(sns, topic_arn, stratus_endpoint):
    function = "arn:aws:lambda:us-east-1:000000000000:function:handler"
    sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=function)
    sns.publish(TopicArn=topic_arn, Message="for a function")
    failures = failed_deliveries(stratus_endpoint)
    assert failures[0]["endpoint"] == function
    # Lambda answers for the function now; asynchronous invokes of existing functions come later
    assert failures[0]["detail"].startswith("ResourceNotFoundException: Function not found")
