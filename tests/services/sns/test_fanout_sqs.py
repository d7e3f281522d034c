"""Fan-out to SQS: what a subscribed queue receives for a standard topic.

The JSON envelope (Type, MessageId, TopicArn, Subject, Message, Timestamp, SignatureVersion,
Signature, SigningCertURL, UnsubscribeURL, MessageAttributes), raw delivery, per-protocol messages
(MessageStructure=json), filter policies, PublishBatch delivery, the UnsubscribeURL and message
signatures verified with the certificate at SigningCertURL.

Deliveries are asynchronous, so queues are read with long polls until the expected count arrives;
absence is asserted with a short poll only after a later, matching message has arrived.
"""

import base64
import json
import re
import urllib.request

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from .support import assert_empty, envelopes, messages_of, receive, string_value, subscribe_queue

ENVELOPE_FIELDS = {
    "Type",
    "MessageId",
    "TopicArn",
    "Message",
    "Timestamp",
    "SignatureVersion",
    "Signature",
    "SigningCertURL",
    "UnsubscribeURL",
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
# One attribute of each data type, as published (and as raw delivery passes them on).
ATTRIBUTES = {
    "store": {"DataType": "String", "StringValue": "example_corp"},
    "price": {"DataType": "Number", "StringValue": "99.12"},
    "thumbnail": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"},
    "interests": {"DataType": "String.Array", "StringValue": '["rugby", "soccer"]'},
}


# ---------------------------------------------------------------- helpers


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def string_to_sign(envelope: dict) -> bytes:
    """AWS's string to sign for a Notification: "Key\\nValue\\n" for each field, in this order."""
    keys = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
    return "".join(f"{key}\n{envelope[key]}\n" for key in keys if key in envelope).encode()


def verify(envelope: dict, certificate: x509.Certificate) -> None:
    """Raises InvalidSignature unless the envelope's Signature is the certificate key's signature."""
    algorithm = hashes.SHA1() if envelope["SignatureVersion"] == "1" else hashes.SHA256()
    certificate.public_key().verify(
        base64.b64decode(envelope["Signature"]), string_to_sign(envelope), padding.PKCS1v15(), algorithm
    )


# ---------------------------------------------------------------- fan-out and the envelope


def test_one_publish_reaches_every_subscribed_queue(sns, sqs, topic_arn):
    queues = [subscribe_queue(sns, sqs, topic_arn, f"listener-{i}") for i in range(3)]
    message_id = sns.publish(TopicArn=topic_arn, Message="to all")["MessageId"]
    for url, subscription_arn in queues:
        (envelope,) = envelopes(sqs, url, 1)
        assert envelope["MessageId"] == message_id
        assert envelope["Message"] == "to all"
        # each subscriber gets the URL that cancels its own subscription
        assert envelope["UnsubscribeURL"].endswith(f"/?Action=Unsubscribe&SubscriptionArn={subscription_arn}")
    for url, _ in queues:
        assert_empty(sqs, url)


def test_envelope_without_subject_or_attributes(sns, sqs, topic_arn):
    url, subscription_arn = subscribe_queue(sns, sqs, topic_arn, "plain")
    message_id = sns.publish(TopicArn=topic_arn, Message='{"order": 1}')["MessageId"]
    (envelope,) = envelopes(sqs, url, 1)
    assert set(envelope) == ENVELOPE_FIELDS
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == message_id
    assert envelope["TopicArn"] == topic_arn
    assert envelope["Message"] == '{"order": 1}'  # the message is a string, not parsed JSON
    assert TIMESTAMP.match(envelope["Timestamp"]), envelope["Timestamp"]
    assert envelope["SignatureVersion"] == "1"
    assert base64.b64decode(envelope["Signature"], validate=True)
    assert re.search(r"/SimpleNotificationService-[^/]+\.pem$", envelope["SigningCertURL"])
    assert envelope["UnsubscribeURL"].endswith(f"/?Action=Unsubscribe&SubscriptionArn={subscription_arn}")


def test_envelope_with_subject_and_attributes(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "detailed")
    sns.publish(
        TopicArn=topic_arn, Message="with extras", Subject="Order shipped", MessageAttributes=ATTRIBUTES
    )
    (envelope,) = envelopes(sqs, url, 1)
    assert set(envelope) == ENVELOPE_FIELDS | {"Subject", "MessageAttributes"}
    assert envelope["Subject"] == "Order shipped"
    assert envelope["MessageAttributes"] == {
        "store": {"Type": "String", "Value": "example_corp"},
        "price": {"Type": "Number", "Value": "99.12"},
        "thumbnail": {"Type": "Binary", "Value": "AgME"},  # base64 of the bytes
        "interests": {"Type": "String.Array", "Value": '["rugby", "soccer"]'},
    }


def test_envelope_signature_version_follows_the_topic(sns, sqs):
    topic_arn = sns.create_topic(Name="signed-v2", Attributes={"SignatureVersion": "2"})["TopicArn"]
    url, _ = subscribe_queue(sns, sqs, topic_arn, "v2-listener")
    sns.publish(TopicArn=topic_arn, Message="sha256")
    (envelope,) = envelopes(sqs, url, 1)
    assert envelope["SignatureVersion"] == "2"


def test_target_arn_delivers_like_topic_arn(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "targeted")
    message_id = sns.publish(TargetArn=topic_arn, Message="via target")["MessageId"]
    (envelope,) = envelopes(sqs, url, 1)
    assert (envelope["MessageId"], envelope["Message"], envelope["TopicArn"]) == (
        message_id,
        "via target",
        topic_arn,
    )


def test_messages_published_before_subscribing_are_not_delivered(sns, sqs, topic_arn):
    sns.publish(TopicArn=topic_arn, Message="too early")
    url, _ = subscribe_queue(sns, sqs, topic_arn, "late-comer")
    sns.publish(TopicArn=topic_arn, Message="in time")
    assert messages_of(sqs, url, 1) == ["in time"]
    assert_empty(sqs, url)


def test_message_group_id_on_a_standard_topic_reaches_the_queue(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "fair")
    sns.publish(TopicArn=topic_arn, Message="tenant work", MessageGroupId="tenant-1")
    (message,) = receive(sqs, url, 1)
    assert message["Attributes"]["MessageGroupId"] == "tenant-1"
    assert json.loads(message["Body"])["Message"] == "tenant work"


# ---------------------------------------------------------------- signatures and the unsubscribe URL


@pytest.mark.parametrize("version", ["1", "2"])
def test_signature_verifies_with_the_signing_certificate(sns, sqs, version):
    topic_arn = sns.create_topic(Name=f"signed-{version}", Attributes={"SignatureVersion": version})[
        "TopicArn"
    ]
    url, _ = subscribe_queue(sns, sqs, topic_arn, f"verifier-{version}")
    sns.publish(TopicArn=topic_arn, Message="line one\nline two", Subject="Signed")
    sns.publish(TopicArn=topic_arn, Message="no subject")
    received = sorted(envelopes(sqs, url, 2), key=lambda envelope: envelope["Message"])
    status, pem = fetch(received[0]["SigningCertURL"])
    assert status == 200
    assert pem.lstrip().startswith(b"-----BEGIN CERTIFICATE-----")
    certificate = x509.load_pem_x509_certificate(pem)
    for envelope in received:
        assert envelope["SignatureVersion"] == version
        verify(envelope, certificate)
        # the signature covers the message: a changed message no longer verifies
        with pytest.raises(InvalidSignature):
            verify({**envelope, "Message": envelope["Message"] + "!"}, certificate)


def test_unsubscribe_url_cancels_the_subscription(sns, sqs, topic_arn):
    leaving_url, leaving_arn = subscribe_queue(sns, sqs, topic_arn, "leaving")
    staying_url, staying_arn = subscribe_queue(sns, sqs, topic_arn, "staying")
    sns.publish(TopicArn=topic_arn, Message="before")
    (envelope,) = envelopes(sqs, leaving_url, 1)
    envelopes(sqs, staying_url, 1)

    status, body = fetch(envelope["UnsubscribeURL"])
    assert status == 200
    assert b"<UnsubscribeResponse" in body
    remaining = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [subscription["SubscriptionArn"] for subscription in remaining] == [staying_arn]
    assert leaving_arn not in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]

    sns.publish(TopicArn=topic_arn, Message="after")
    assert messages_of(sqs, staying_url, 1) == ["after"]
    assert_empty(sqs, leaving_url)


# ---------------------------------------------------------------- raw message delivery


def test_raw_delivery_sends_the_message_and_attributes_as_is(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "raw", RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic_arn,
        Message='{"not": "wrapped"}',
        Subject="ignored by raw delivery",
        MessageAttributes=ATTRIBUTES,
    )
    (message,) = receive(sqs, url, 1)
    assert message["Body"] == '{"not": "wrapped"}'
    assert message["MessageAttributes"] == ATTRIBUTES


def test_raw_delivery_without_attributes(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "raw-plain", RawMessageDelivery="true")
    sns.publish(TopicArn=topic_arn, Message="just text")
    (message,) = receive(sqs, url, 1)
    assert message["Body"] == "just text"
    assert "MessageAttributes" not in message


def test_raw_delivery_can_be_switched_on_later(sns, sqs, topic_arn):
    url, subscription_arn = subscribe_queue(sns, sqs, topic_arn, "switched")
    sns.publish(TopicArn=topic_arn, Message="wrapped")
    assert json.loads(receive(sqs, url, 1)[0]["Body"])["Message"] == "wrapped"
    sns.set_subscription_attributes(
        SubscriptionArn=subscription_arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    sns.publish(TopicArn=topic_arn, Message="raw now")
    assert receive(sqs, url, 1)[0]["Body"] == "raw now"


def test_raw_delivery_discards_messages_with_more_than_ten_attributes(sns, sqs, topic_arn):
    raw_url, _ = subscribe_queue(sns, sqs, topic_arn, "raw-limited", RawMessageDelivery="true")
    wrapped_url, _ = subscribe_queue(sns, sqs, topic_arn, "wrapped-unlimited")
    many = {f"attr{i}": {"DataType": "String", "StringValue": str(i)} for i in range(11)}
    sns.publish(TopicArn=topic_arn, Message="eleven attributes", MessageAttributes=many)
    sns.publish(TopicArn=topic_arn, Message="one attribute", MessageAttributes={"attr0": many["attr0"]})
    # the JSON envelope carries any number of attributes
    wrapped = sorted(envelopes(sqs, wrapped_url, 2), key=lambda envelope: envelope["Message"])
    assert [len(envelope["MessageAttributes"]) for envelope in wrapped] == [11, 1]
    # SQS takes at most 10, so the raw subscription only gets the second message
    assert [message["Body"] for message in receive(sqs, raw_url, 1)] == ["one attribute"]
    assert_empty(sqs, raw_url)


# ---------------------------------------------------------------- MessageStructure=json


def test_message_structure_json_sends_the_sqs_entry_to_queues(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "structured")
    message = json.dumps({"default": "for everyone", "sqs": "for queues", "email": "for people"})
    message_id = sns.publish(TopicArn=topic_arn, Message=message, MessageStructure="json")["MessageId"]
    (envelope,) = envelopes(sqs, url, 1)
    assert (envelope["MessageId"], envelope["Message"]) == (message_id, "for queues")


def test_message_structure_json_falls_back_to_default(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "defaulted")
    sns.publish(
        TopicArn=topic_arn, Message=json.dumps({"default": "plain", "email": "mail"}), MessageStructure="json"
    )
    # an entry whose value is not a string is ignored
    sns.publish(
        TopicArn=topic_arn,
        Message=json.dumps({"default": "fallback", "sqs": {"a": 1}}),
        MessageStructure="json",
    )
    assert sorted(messages_of(sqs, url, 2)) == ["fallback", "plain"]


def test_message_structure_json_with_raw_delivery(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "structured-raw", RawMessageDelivery="true")
    message = json.dumps({"default": "for everyone", "sqs": '{"event": "created"}'})
    sns.publish(TopicArn=topic_arn, Message=message, MessageStructure="json")
    assert receive(sqs, url, 1)[0]["Body"] == '{"event": "created"}'


# ---------------------------------------------------------------- filter policies


def published(sns, topic_arn: str, message: str, **attributes: dict) -> None:
    sns.publish(TopicArn=topic_arn, Message=message, MessageAttributes=attributes)


def test_attribute_filter_policy_with_exact_and_numeric_matches(sns, sqs, topic_arn):
    policy = {"store": ["example_corp"], "price": [{"numeric": [">=", 100]}]}
    url, _ = subscribe_queue(sns, sqs, topic_arn, "filtered", FilterPolicy=json.dumps(policy))
    everything_url, _ = subscribe_queue(sns, sqs, topic_arn, "unfiltered")
    published(
        sns, topic_arn, "other store", store=string_value("other_corp"), price=string_value("150", "Number")
    )
    published(
        sns, topic_arn, "too cheap", store=string_value("example_corp"), price=string_value("99.5", "Number")
    )
    published(sns, topic_arn, "no attributes")
    published(
        sns, topic_arn, "match", store=string_value("example_corp"), price=string_value("100", "Number")
    )
    assert messages_of(sqs, url, 1) == ["match"]
    # the filter is per subscription: the unfiltered queue gets everything
    assert len(envelopes(sqs, everything_url, 4)) == 4
    assert_empty(sqs, url)


def test_attribute_filter_policy_with_prefix_and_anything_but(sns, sqs, topic_arn):
    policy = {"event": [{"prefix": "order-"}], "color": [{"anything-but": ["red"]}]}
    url, _ = subscribe_queue(sns, sqs, topic_arn, "prefixed", FilterPolicy=json.dumps(policy))
    published(sns, topic_arn, "wrong prefix", event=string_value("invoice-paid"), color=string_value("blue"))
    published(sns, topic_arn, "excluded color", event=string_value("order-placed"), color=string_value("red"))
    published(sns, topic_arn, "match", event=string_value("order-placed"), color=string_value("blue"))
    assert messages_of(sqs, url, 1) == ["match"]
    assert_empty(sqs, url)


def test_filter_policy_matches_any_element_of_a_string_array(sns, sqs, topic_arn):
    policy = {"interests": ["rugby"]}
    url, _ = subscribe_queue(sns, sqs, topic_arn, "interested", FilterPolicy=json.dumps(policy))
    published(sns, topic_arn, "tennis only", interests=string_value('["tennis", "golf"]', "String.Array"))
    published(sns, topic_arn, "match", interests=string_value('["soccer", "rugby"]', "String.Array"))
    assert messages_of(sqs, url, 1) == ["match"]
    assert_empty(sqs, url)


def test_message_body_filter_policy(sns, sqs, topic_arn):
    policy = {"order": {"status": ["paid"], "total": [{"numeric": [">", 10]}]}}
    url, _ = subscribe_queue(
        sns, sqs, topic_arn, "body-filtered", FilterPolicy=json.dumps(policy), FilterPolicyScope="MessageBody"
    )
    sns.publish(TopicArn=topic_arn, Message=json.dumps({"order": {"status": "pending", "total": 50}}))
    sns.publish(TopicArn=topic_arn, Message=json.dumps({"order": {"status": "paid", "total": 5}}))
    sns.publish(TopicArn=topic_arn, Message="not json at all")
    # attributes are not looked at when the scope is the body
    published(sns, topic_arn, json.dumps({"customer": "x"}), status=string_value("paid"))
    matching = json.dumps({"order": {"status": "paid", "total": 50}, "id": 7})
    sns.publish(TopicArn=topic_arn, Message=matching)
    assert messages_of(sqs, url, 1) == [matching]
    assert_empty(sqs, url)


def test_filter_policy_with_raw_delivery(sns, sqs, topic_arn):
    url, _ = subscribe_queue(
        sns,
        sqs,
        topic_arn,
        "raw-filtered",
        RawMessageDelivery="true",
        FilterPolicy=json.dumps({"kind": ["keep"]}),
    )
    published(sns, topic_arn, "dropped", kind=string_value("drop"))
    published(sns, topic_arn, "kept", kind=string_value("keep"))
    (message,) = receive(sqs, url, 1)
    assert message["Body"] == "kept"
    assert message["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "keep"}}
    assert_empty(sqs, url)


# ---------------------------------------------------------------- PublishBatch delivery


def test_publish_batch_delivers_every_entry(sns, sqs, topic_arn):
    wrapped_url, _ = subscribe_queue(sns, sqs, topic_arn, "batch-wrapped")
    raw_url, _ = subscribe_queue(sns, sqs, topic_arn, "batch-raw", RawMessageDelivery="true")
    batch = [
        {
            "Id": f"entry-{i}",
            "Message": f"message {i}",
            "Subject": f"subject {i}",
            "MessageAttributes": {"index": {"DataType": "Number", "StringValue": str(i)}},
        }
        for i in range(10)
    ]
    response = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert response["Failed"] == []
    message_ids = {entry["Id"]: entry["MessageId"] for entry in response["Successful"]}

    received = {envelope["Message"]: envelope for envelope in envelopes(sqs, wrapped_url, 10)}
    assert set(received) == {f"message {i}" for i in range(10)}
    for i in range(10):
        envelope = received[f"message {i}"]
        assert envelope["MessageId"] == message_ids[f"entry-{i}"]
        assert envelope["Subject"] == f"subject {i}"
        assert envelope["MessageAttributes"] == {"index": {"Type": "Number", "Value": str(i)}}

    raw = receive(sqs, raw_url, 10)
    assert sorted(message["Body"] for message in raw) == sorted(f"message {i}" for i in range(10))
    for message in raw:
        index = message["Body"].removeprefix("message ")
        assert message["MessageAttributes"] == {"index": {"DataType": "Number", "StringValue": index}}


def test_publish_batch_reports_a_failed_entry_and_delivers_the_rest(sns, sqs, topic_arn):
    url, _ = subscribe_queue(sns, sqs, topic_arn, "batch-partial", RawMessageDelivery="true")
    batch = [
        {"Id": "good-1", "Message": "first"},
        {"Id": "empty", "Message": ""},
        {"Id": "good-2", "Message": "second"},
    ]
    response = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert [entry["Id"] for entry in response["Successful"]] == ["good-1", "good-2"]
    assert response["Failed"] == [
        {
            "Id": "empty",
            "Code": "InvalidParameter",
            "Message": "Invalid parameter: Empty message",
            "SenderFault": True,
        }
    ]
    assert sorted(message["Body"] for message in receive(sqs, url, 2)) == ["first", "second"]
    assert_empty(sqs, url)
