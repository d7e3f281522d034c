"""Identifiers and ARNs in AWS's formats."""

from __future__ import annotations

import os
import uuid

_ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def request_id() -> str:
    """A request id as most AWS services write it (a UUID4)."""
    return str(uuid.uuid4())


def random_upper(length: int) -> str:
    """Upper-case letters and digits, as in IAM unique ids and access key ids."""
    raw = os.urandom(length)
    return "".join(_ALNUM_UPPER[b % len(_ALNUM_UPPER)] for b in raw)


def arn(partition: str, service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{partition}:{service}:{region}:{account_id}:{resource}"


def partition_for_region(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def queue_url_for_arn(queue_arn: str) -> str:
    """A QueueUrl SQS resolves to the queue an ARN names (the path form: account and name), for
    services that send to queues they know by ARN (SNS subscriptions, Lambda destinations)."""
    parts = queue_arn.split(":")
    return f"http://localhost/{parts[4]}/{parts[5]}"
