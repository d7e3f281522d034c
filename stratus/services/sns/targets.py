"""One adapter per protocol: hand one message to one endpoint and say how it went.

SQS, Lambda and Firehose are reached through the internal client as `sns.amazonaws.com` with the
topic as source ARN, so their resource policies apply as in AWS; HTTP/S endpoints get a real POST;
email, email-json, SMS and mobile push are captured in the sent-message log.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core import ids
from stratus.core.internal_client import InternalClient
from stratus.protocol.errors import ServiceError
from stratus.services.sns import envelope
from stratus.services.sns.delivery_policy import DEFAULT_CONTENT_TYPE
from stratus.services.sns.http_client import DeliveryConnectionError, post
from stratus.services.sns.message_attributes import sqs_attributes
from stratus.services.sns.platform import find_platform_endpoint
from stratus.services.sns.sent_messages import record_sent
from stratus.services.sns.signing import (
    SigningIdentity,
    generate_identity,
    load_or_create_identity,
    lookup_identity,
    store_identity,
)
from stratus.services.sns.sms import is_opted_out
from stratus.store import Database

if TYPE_CHECKING:
    from stratus.runtime import Runtime

SNS_PRINCIPAL = "sns.amazonaws.com"
HTTP_TIMEOUT_SECONDS = 15.0  # AWS waits 15 seconds for an HTTP/S endpoint
USER_AGENT = "Amazon Simple Notification Service Agent"
EMAIL_FOOTER = (
    "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link "
    "below to unsubscribe:\n{url}\n\nPlease do not reply directly to this email. If you have any questions "
    "or comments regarding this email, please contact us at https://aws.amazon.com/support"
)
DEFAULT_EMAIL_SUBJECT = "AWS Notification Message"


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    retryable: bool = False  # a server-side failure: the delivery policy retries it
    detail: str = ""
    code: str = ""  # the error code, for the dead-letter message


DELIVERED = Outcome(True)


@dataclass(slots=True)
class Target:
    """Where one message goes: a subscription's endpoint, or a direct publish's."""

    protocol: str
    endpoint: str
    subscription_arn: str | None = None
    raw: bool = False
    content_type: str = DEFAULT_CONTENT_TYPE
    display_name: str = ""


class Deliverer:
    def __init__(self, runtime: Runtime, db: Database) -> None:
        self.runtime = runtime
        self.db = db
        self._signatures: dict[tuple[str, str], str] = {}  # (message id, text) → signature, per run

    def identity(self, region: str) -> SigningIdentity:
        return load_or_create_identity(self.db, region)

    async def ensure_identity(self, region: str) -> None:
        """Create the region's key pair on a worker thread the first time (RSA generation takes ~0.1 s)."""
        if lookup_identity(self.db, region) is None:
            identity = await asyncio.to_thread(generate_identity, region)
            with self.db.transaction():
                store_identity(self.db, identity)

    def notification(self, message: dict, text: str, subscription_arn: str) -> dict:
        identity = self.identity(message["region"])
        key = (message["message_id"], text)
        signature = self._signatures.get(key, "")
        if not signature and not message.get("sequence_number"):
            signature = self._signatures[key] = envelope.signed_notification_signature(
                message, text, identity
            )
        return envelope.notification(
            message,
            text,
            subscription_arn=subscription_arn,
            endpoint=self.runtime.endpoint,
            identity=identity,
            signature=signature,
        )

    async def deliver(self, target: Target, message: dict) -> Outcome:
        protocol = target.protocol
        await self.ensure_identity(message["region"])
        text = envelope.message_for(message, protocol, message.get("platform"))
        try:
            if protocol == "sqs":
                return await self._sqs(target, message, text)
            if protocol in ("http", "https"):
                return await self._http(target, message, text)
            if protocol == "lambda":
                return await self._lambda(target, message, text)
            if protocol == "firehose":
                return await self._firehose(target, message, text)
            return self._captured(target, message, text)
        except ServiceError as error:
            # Answers of the target service: 5xx are server-side (retried), the rest client-side.
            retryable = error.status >= 500 and error.status != 501
            return Outcome(False, retryable, f"{error.code}: {error.message}", error.code)

    # ------------------------------------------------------------------ AWS endpoints

    def client(self, service: str, message: dict, endpoint_arn: str) -> InternalClient:
        parts = endpoint_arn.split(":")
        region, account_id = parts[3], parts[4]
        return InternalClient(
            self.runtime,
            service,
            Principal.service(account_id, SNS_PRINCIPAL),
            region=region,
            account_id=account_id,
            source_arn=message.get("topic_arn") or message.get("source_arn"),
        )

    async def send_to_queue(self, queue_arn: str, message: dict, body: str, attributes: dict | None) -> None:
        parts = queue_arn.split(":")
        params: dict = {"QueueUrl": ids.queue_url_for_arn(queue_arn), "MessageBody": body}
        if attributes:
            params["MessageAttributes"] = attributes
        if parts[5].endswith(".fifo"):
            if message.get("group_id"):
                params["MessageGroupId"] = message["group_id"]
            params["MessageDeduplicationId"] = message.get("dedup_id") or message["message_id"]
        elif message.get("group_id") and not message.get("sequence_number"):
            params["MessageGroupId"] = message["group_id"]
        await self.client("sqs", message, queue_arn).call("SendMessage", params)

    async def _sqs(self, target: Target, message: dict, text: str) -> Outcome:
        if target.raw:
            body, attributes = text, sqs_attributes(message.get("attributes") or {})
        else:
            body = envelope.to_json(self.notification(message, text, target.subscription_arn or ""))
            attributes = None
        await self.send_to_queue(target.endpoint, message, body, attributes)
        return DELIVERED

    async def _lambda(self, target: Target, message: dict, text: str) -> Outcome:
        document = self.notification(message, text, target.subscription_arn or "")
        event = envelope.lambda_event(
            message, text, subscription_arn=target.subscription_arn or "", notification_document=document
        )
        await self.client("lambda", message, target.endpoint).call(
            "Invoke",
            {
                "FunctionName": target.endpoint,
                "InvocationType": "Event",
                "Payload": json.dumps(event).encode(),
            },
        )
        return DELIVERED

    async def _firehose(self, target: Target, message: dict, text: str) -> Outcome:
        if target.raw:
            data = text
        else:
            data = json.dumps(self.notification(message, text, target.subscription_arn or ""))
        stream = target.endpoint.split(":", 5)[5].split("/", 1)[1]
        await self.client("firehose", message, target.endpoint).call(
            "PutRecord", {"DeliveryStreamName": stream, "Record": {"Data": (data + "\n").encode()}}
        )
        return DELIVERED

    # ------------------------------------------------------------------ HTTP/S

    async def _http(self, target: Target, message: dict, text: str) -> Outcome:
        headers = [
            ("x-amz-sns-message-type", "Notification"),
            ("x-amz-sns-message-id", message["message_id"]),
            ("x-amz-sns-topic-arn", message.get("topic_arn") or ""),
            ("x-amz-sns-subscription-arn", target.subscription_arn or ""),
            ("Content-Type", target.content_type),
            ("User-Agent", USER_AGENT),
        ]
        if target.raw:
            headers.append(("x-amz-sns-rawdelivery", "true"))
            body = text
        else:
            body = envelope.to_json(self.notification(message, text, target.subscription_arn or ""))
        return await post_outcome(target.endpoint, body.encode(), headers)

    # ------------------------------------------------------------------ captured endpoints

    def _captured(self, target: Target, message: dict, text: str) -> Outcome:
        protocol, subject = target.protocol, message.get("subject")
        if protocol == "sms":
            if is_opted_out(self.db, message["account_id"], message["region"], target.endpoint):
                return Outcome(False, False, "Phone is currently opted out", "OptedOut")
            if target.display_name:
                text = f"{target.display_name}> {text}"
        elif protocol == "application":
            endpoint = find_platform_endpoint(self.db, target.endpoint)
            if endpoint is None:
                return Outcome(False, False, "Endpoint does not exist", "EndpointNotFound")
            if not endpoint["enabled"] or not endpoint["application_enabled"]:
                return Outcome(False, False, "Endpoint is disabled", "EndpointDisabled")
            text = envelope.message_for(message, "application", endpoint["platform"])
        elif protocol == "email":
            url = envelope.unsubscribe_url(self.runtime.endpoint, target.subscription_arn or "")
            text = text + EMAIL_FOOTER.format(url=url)
            subject = subject or DEFAULT_EMAIL_SUBJECT
        elif protocol == "email-json":
            text = envelope.to_json(self.notification(message, text, target.subscription_arn or ""))
            subject = subject or DEFAULT_EMAIL_SUBJECT
        with self.db.transaction():
            record_sent(
                self.db,
                account_id=message["account_id"],
                region=message["region"],
                protocol=protocol,
                endpoint=target.endpoint,
                message_id=message["message_id"],
                kind="Notification",
                body=text,
                sent_at=self.runtime.clock.time(),
                subject=subject,
                topic_arn=message.get("topic_arn"),
                subscription_arn=target.subscription_arn,
                attributes=message.get("attributes") or None,
            )
        return DELIVERED


async def post_outcome(url: str, body: bytes, headers: list[tuple[str, str]]) -> Outcome:
    """POST and classify: 2xx-4xx (but 429) delivered or refused, 5xx/429/no answer retried."""
    try:
        result = await post(url, body, headers, timeout=HTTP_TIMEOUT_SECONDS)
    except DeliveryConnectionError as error:
        return Outcome(False, True, str(error), "ConnectionError")
    status = result.status
    if 200 <= status < 300:
        return DELIVERED
    if status == 429 or status >= 500 or status < 200:
        return Outcome(False, True, f"HTTP status {status}", str(status))
    return Outcome(False, False, f"HTTP status {status}", str(status))
