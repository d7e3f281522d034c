"""The workload registry: which AWS call each benchmark replays, and how to prepare for it.

A workload names one operation of one service. Its request is built once with botocore (the
real serializer and SigV4 signer, exactly what boto3 would send) and then replayed as raw
bytes by the runner, so the client stays cheap. A workload that varies a parameter per
request gives `params` as a function of (setup state, index) and a `pool_size`; the pool is
pre-built and replayed round-robin.

Adding a workload for a new service is a few lines at the bottom of this file:

    register(Workload(
        name="sqs.SendMessage",
        service="sqs",
        operation="SendMessage",
        setup=lambda endpoint: boto3_client("sqs", endpoint).create_queue(QueueName="bench")["QueueUrl"],
        params=lambda queue_url, i: {"QueueUrl": queue_url, "MessageBody": f"message {i}"},
        pool_size=256,
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import botocore.session
from botocore.config import Config as BotocoreConfig

TEST_ACCESS_KEY = "test"
TEST_SECRET_KEY = "test"
REGION = "us-east-1"

# Per-request parameters: a fixed dict, or a function of (setup state, request index).
Params = Mapping[str, Any] | Callable[[Any, int], Mapping[str, Any]]


@dataclass(frozen=True)
class Workload:
    name: str  # "<service>.<Operation>", as shown in reports
    service: str  # botocore service name: "sts", "elbv2", "dynamodb" ...
    operation: str  # the model's operation name: "GetCallerIdentity"
    params: Params = field(default_factory=dict)
    pool_size: int = 1  # distinct requests to pre-build (>1 only when params vary)
    setup: Callable[[str], Any] | None = None  # endpoint -> state handed to params/teardown
    teardown: Callable[[str, Any], None] | None = None  # (endpoint, state)
    description: str = ""
    # (access key id, secret) to sign with, from the setup state; default: the test root keys
    credentials: Callable[[Any], tuple[str, str]] | None = None


@dataclass(frozen=True)
class RawRequest:
    """One fully serialized, signed HTTP/1.1 request, ready to be written to a socket."""

    method: str
    target: str  # path and query, for error messages
    wire: bytes

    @property
    def expects_body(self) -> bool:
        return self.method != "HEAD"


WORKLOADS: dict[str, Workload] = {}


def register(workload: Workload) -> Workload:
    if workload.name in WORKLOADS:
        raise ValueError(f"workload {workload.name!r} is registered twice")
    if workload.pool_size > 1 and not callable(workload.params):
        raise ValueError(f"workload {workload.name!r}: a pool needs params that vary with the index")
    WORKLOADS[workload.name] = workload
    return workload


def get_workload(name: str) -> Workload:
    try:
        return WORKLOADS[name]
    except KeyError:
        known = ", ".join(sorted(WORKLOADS))
        raise KeyError(f"unknown workload {name!r}; known workloads: {known}") from None


def boto3_client(service: str, endpoint: str) -> Any:
    """A boto3 client for setup and teardown steps, with the benchmark's test credentials."""
    import boto3  # only setup steps need boto3; request building needs only botocore

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=TEST_ACCESS_KEY,
        aws_secret_access_key=TEST_SECRET_KEY,
    )


class _RequestCaptured(Exception):
    """Raised from botocore's before-send hook so the request is recorded but never sent."""

    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


def _capture(request: Any, **_: Any) -> None:
    raise _RequestCaptured(request)


def _signing_client(service: str, endpoint: str, credentials: tuple[str, str] | None = None) -> Any:
    """A client whose requests are exactly boto3's (boto3's user agent when it is installed)."""
    access_key, secret = credentials or (TEST_ACCESS_KEY, TEST_SECRET_KEY)
    settings = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": access_key,
        "aws_secret_access_key": secret,
        "config": BotocoreConfig(retries={"max_attempts": 1, "mode": "standard"}),
    }
    try:
        import boto3.session
    except ImportError:
        client = botocore.session.get_session().create_client(service, **settings)
    else:
        client = boto3.session.Session().client(service, **settings)
    client.meta.events.register("before-send", _capture)
    return client


def _params_for(workload: Workload, state: Any, index: int) -> Mapping[str, Any]:
    if callable(workload.params):
        return workload.params(state, index)
    return workload.params


def to_wire(prepared: Any) -> RawRequest:
    """Lay out botocore's prepared request as urllib3/http.client would put it on the wire."""
    url = urlsplit(prepared.url)
    target = url.path or "/"
    if url.query:
        target += "?" + url.query
    body = prepared.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes | bytearray):
        body = body.read()  # a file-like payload (e.g. an S3 upload): read it once, now
    body = bytes(body)

    header_names = {name.lower() for name in prepared.headers}
    lines = [f"{prepared.method} {target} HTTP/1.1"]
    if "host" not in header_names:
        lines.append(f"Host: {url.netloc}")
    if "accept-encoding" not in header_names:
        lines.append("Accept-Encoding: identity")
    for name, value in prepared.headers.items():
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        lines.append(f"{name}: {value}")
    if "content-length" not in header_names and (body or prepared.method in ("POST", "PUT", "PATCH")):
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return RawRequest(method=prepared.method, target=target, wire=head + body)


def build_requests(workload: Workload, endpoint: str, state: Any = None) -> list[RawRequest]:
    """Serialize and sign the workload's request(s) for this endpoint, without sending any."""
    from botocore import xform_name

    credentials = workload.credentials(state) if workload.credentials else None
    client = _signing_client(workload.service, endpoint, credentials)
    call = getattr(client, xform_name(workload.operation))
    requests = []
    for index in range(max(1, workload.pool_size)):
        try:
            call(**_params_for(workload, state, index))
        except _RequestCaptured as captured:
            requests.append(to_wire(captured.request))
        else:  # pragma: no cover - botocore always sends through before-send
            raise RuntimeError(f"{workload.name}: botocore returned without sending a request")
    return requests


# --- Workloads -------------------------------------------------------------------------------

register(
    Workload(
        name="sts.GetCallerIdentity",
        service="sts",
        operation="GetCallerIdentity",
        description="the cheapest signed call: routing, SigV4, query protocol, XML out",
    )
)


def _iam_user_with_policy(endpoint: str) -> tuple[str, str]:
    """A user allowed iam:GetUser on itself (and denied iam:DeleteUser), with an access key."""
    import json

    iam = boto3_client("iam", endpoint)
    iam.create_user(UserName="bench-user")
    allow_self = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:GetUser", "iam:List*"],
                "Resource": "arn:aws:iam::*:user/${aws:username}",
            },
            {"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"},
        ],
    }
    iam.put_user_policy(UserName="bench-user", PolicyName="self", PolicyDocument=json.dumps(allow_self))
    key = iam.create_access_key(UserName="bench-user")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _delete_iam_user(endpoint: str, credentials: tuple[str, str]) -> None:
    iam = boto3_client("iam", endpoint)
    iam.delete_access_key(UserName="bench-user", AccessKeyId=credentials[0])
    iam.delete_user_policy(UserName="bench-user", PolicyName="self")
    iam.delete_user(UserName="bench-user")


register(
    Workload(
        name="iam.GetUser",
        service="iam",
        operation="GetUser",
        params={"UserName": "bench-user"},
        setup=_iam_user_with_policy,
        teardown=_delete_iam_user,
        credentials=lambda keys: keys,
        description="an IAM user's own key: with STRATUS_IAM=enforce, signature and policy checked",
    )
)


# --- SQS --------------------------------------------------------------------------------------

MESSAGE_256 = "m" * 256


def _unique(name: str) -> str:
    """A fresh queue name per setup: SQS blocks a deleted queue's name for 60 seconds."""
    import uuid

    stem, dot, suffix = name.partition(".")
    return f"{stem}-{uuid.uuid4().hex[:8]}{dot}{suffix}"


def _queue(name: str, **attributes: str):
    def setup(endpoint: str) -> str:
        sqs = boto3_client("sqs", endpoint)
        return sqs.create_queue(QueueName=_unique(name), Attributes=attributes)["QueueUrl"]

    return setup


def _delete_queue(endpoint: str, queue_url: str) -> None:
    boto3_client("sqs", endpoint).delete_queue(QueueUrl=queue_url)


def _filled_queue(name: str, depth: int):
    """A queue holding `depth` messages; receives use VisibilityTimeout=0 so they stay there."""

    def setup(endpoint: str) -> str:
        sqs = boto3_client("sqs", endpoint)
        url = sqs.create_queue(QueueName=_unique(name))["QueueUrl"]
        for start in range(0, depth, 10):
            entries = [{"Id": str(i), "MessageBody": MESSAGE_256} for i in range(min(10, depth - start))]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        return url

    return setup


register(
    Workload(
        name="sqs.SendMessage",
        service="sqs",
        operation="SendMessage",
        setup=_queue("bench-send"),
        teardown=_delete_queue,
        params=lambda url, i: {"QueueUrl": url, "MessageBody": MESSAGE_256},
        pool_size=2,
        description="a 256-byte message to a standard queue (a durable write per request)",
    )
)
register(
    Workload(
        name="sqs.SendMessageBatch",
        service="sqs",
        operation="SendMessageBatch",
        setup=_queue("bench-batch"),
        teardown=_delete_queue,
        params=lambda url, i: {
            "QueueUrl": url,
            "Entries": [{"Id": str(n), "MessageBody": MESSAGE_256} for n in range(10)],
        },
        pool_size=2,
        description="ten 256-byte messages per request",
    )
)
for _depth in (100, 100_000):
    register(
        Workload(
            name=f"sqs.ReceiveMessage-depth{_depth}",
            service="sqs",
            operation="ReceiveMessage",
            setup=_filled_queue(f"bench-receive-{_depth}", _depth),
            teardown=_delete_queue,
            params=lambda url, i: {"QueueUrl": url, "MaxNumberOfMessages": 10, "VisibilityTimeout": 0},
            pool_size=2,
            description=f"ten messages per receive from a queue {_depth} deep (cost must not grow with depth)",
        )
    )
register(
    Workload(
        name="sqs.SendMessage-fifo",
        service="sqs",
        operation="SendMessage",
        setup=_queue("bench-send.fifo", FifoQueue="true", ContentBasedDeduplication="false"),
        teardown=_delete_queue,
        params=lambda url, i: {
            "QueueUrl": url,
            "MessageBody": MESSAGE_256,
            "MessageGroupId": f"g{i % 8}",
            "MessageDeduplicationId": f"d{i}",
        },
        pool_size=4096,
        description="FIFO sends over 8 groups, each with its own deduplication id",
    )
)


def _filled_fifo_queue(endpoint: str) -> str:
    """A FIFO queue with 8 groups of 1,000 messages; receives use VisibilityTimeout=0."""
    sqs = boto3_client("sqs", endpoint)
    url = sqs.create_queue(QueueName=_unique("bench-receive.fifo"), Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    for start in range(0, 8000, 10):
        entries = [
            {
                "Id": str(n),
                "MessageBody": MESSAGE_256,
                "MessageGroupId": f"g{(start + n) % 8}",
                "MessageDeduplicationId": str(start + n),
            }
            for n in range(10)
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    return url


register(
    Workload(
        name="sqs.ReceiveMessage-fifo",
        service="sqs",
        operation="ReceiveMessage",
        setup=_filled_fifo_queue,
        teardown=_delete_queue,
        params=lambda url, i: {"QueueUrl": url, "MaxNumberOfMessages": 10, "VisibilityTimeout": 0},
        pool_size=2,
        description="ten messages per receive from a FIFO queue of 8 groups, 8,000 deep",
    )
)


def _topic_with_queues(count: int):
    """A topic with `count` SQS subscriptions; the state is (topic ARN, queue URLs)."""

    def setup(endpoint: str) -> tuple[str, list[str]]:
        sns, sqs = boto3_client("sns", endpoint), boto3_client("sqs", endpoint)
        topic_arn = sns.create_topic(Name=_unique("bench-topic"))["TopicArn"]
        urls = []
        for _ in range(count):
            url = sqs.create_queue(QueueName=_unique("bench-fanout"))["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
            urls.append(url)
        return topic_arn, urls

    return setup


def _delete_topic_and_queues(endpoint: str, state: tuple[str, list[str]]) -> None:
    topic_arn, urls = state
    boto3_client("sns", endpoint).delete_topic(TopicArn=topic_arn)
    for url in urls:
        _delete_queue(endpoint, url)


for _subscriptions in (1, 10):
    register(
        Workload(
            name=f"sns.Publish-{_subscriptions}sub",
            service="sns",
            operation="Publish",
            setup=_topic_with_queues(_subscriptions),
            teardown=_delete_topic_and_queues,
            params=lambda state, i: {"TopicArn": state[0], "Message": MESSAGE_256},
            pool_size=2,
            description=f"a 256-byte message to a topic with {_subscriptions} SQS subscription(s)",
        )
    )


def _bucket_with(size: int, key_count: int = 1):
    """A bucket holding `key_count` objects of `size` bytes (keys obj-0 ...); the state is its name."""

    def setup(endpoint: str) -> str:
        s3 = boto3_client("s3", endpoint)
        name = _unique("bench-bucket")
        s3.create_bucket(Bucket=name)
        body = b"x" * size
        for n in range(key_count):
            s3.put_object(Bucket=name, Key=f"obj-{n}", Body=body)
        return name

    return setup


def _empty_bucket(endpoint: str, name: str) -> None:
    s3 = boto3_client("s3", endpoint)
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        entries = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", [])]
        entries += [{"Key": m["Key"], "VersionId": m["VersionId"]} for m in page.get("DeleteMarkers", [])]
        for start in range(0, len(entries), 1000):
            s3.delete_objects(Bucket=name, Delete={"Objects": entries[start : start + 1000], "Quiet": True})
    s3.delete_bucket(Bucket=name)


for _label, _size in (("4KiB", 4096), ("1MiB", 1024 * 1024)):
    register(
        Workload(
            name=f"s3.PutObject-{_label}",
            service="s3",
            operation="PutObject",
            setup=_bucket_with(0, 0),
            teardown=_empty_bucket,
            params=lambda name, i, size=_size: {"Bucket": name, "Key": f"put-{i % 64}", "Body": b"x" * size},
            pool_size=64,
            description=f"a {_label} object (overwrites 64 keys in turn)",
        )
    )
    register(
        Workload(
            name=f"s3.GetObject-{_label}",
            service="s3",
            operation="GetObject",
            setup=_bucket_with(_size),
            teardown=_empty_bucket,
            params=lambda name, i: {"Bucket": name, "Key": "obj-0"},
            pool_size=1,
            description=f"reading a {_label} object whole",
        )
    )


# Workloads of other modules register themselves on import.
from bench import dynamodb_workloads, lambda_workloads, secrets_workloads  # noqa: E402,F401,I001
