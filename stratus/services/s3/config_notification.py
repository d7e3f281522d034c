"""Event notification configuration: Put/GetBucketNotificationConfiguration and the legacy
Put/GetBucketNotification (one configuration per destination type).

Checked here: the structure, the event names, prefix/suffix filter rules, destination ARNs (shape
and region) and overlapping configurations. Not yet: that the SQS/SNS/Lambda destinations exist and
allow S3 to publish, and the s3:TestEvent S3 sends them on a successful Put.
"""

from __future__ import annotations

import re
from functools import cache

from stratus.core.context import RequestContext
from stratus.protocol.loader import service_model
from stratus.services.s3.bucket_store import Bucket
from stratus.services.s3.common import InvalidArgument, MalformedXML, s3_error
from stratus.services.s3.config_store import (
    NOTIFICATION,
    ConfigOperationsBase,
    generated_id,
    read_config,
    write_config,
)
from stratus.store import Database

# (list member, ARN member, what the legacy API and error messages call the destination, ARN pattern)
DESTINATIONS = (
    ("TopicConfigurations", "TopicArn", "Topic", re.compile(r"^arn:[\w-]+:sns:([a-z0-9-]+):\d{12}:[\w.-]+$")),
    ("QueueConfigurations", "QueueArn", "Queue", re.compile(r"^arn:[\w-]+:sqs:([a-z0-9-]+):\d{12}:[\w.-]+$")),
    (
        "LambdaFunctionConfigurations",
        "LambdaFunctionArn",
        "CloudFunction",
        re.compile(r"^arn:[\w-]+:lambda:([a-z0-9-]+):\d{12}:function:[\w-]+(?::[\w$-]+)?$"),
    ),
)
LEGACY_MEMBERS = {
    "Topic": "TopicConfiguration",
    "Queue": "QueueConfiguration",
    "CloudFunction": "CloudFunctionConfiguration",
}


@cache
def supported_events() -> frozenset[str]:
    return frozenset(service_model("s3").shape_for("Event").enum)


def notification_configuration(db: Database, bucket: str) -> dict:
    """The bucket's notification configuration ({} when none): what the event dispatcher reads."""
    return read_config(db, bucket, NOTIFICATION) or {}


def _covers(pattern: str, event: str) -> bool:
    return pattern == event or (pattern.endswith(":*") and event.startswith(pattern[:-1]))


def _events_overlap(first: list[str], second: list[str]) -> bool:
    return any(_covers(a, b) or _covers(b, a) for a in first for b in second)


def _filters_overlap(first: dict, second: dict) -> bool:
    prefix_a, prefix_b = first.get("Prefix", ""), second.get("Prefix", "")
    suffix_a, suffix_b = first.get("Suffix", ""), second.get("Suffix", "")
    prefixes = prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a)
    suffixes = suffix_a.endswith(suffix_b) or suffix_b.endswith(suffix_a)
    return prefixes and suffixes


def _check_filter(configuration: dict) -> dict[str, str]:
    rules = ((configuration.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    found: dict[str, str] = {}
    normalized = []
    for rule in rules:
        name = (rule.get("Name") or "").lower()
        if name not in ("prefix", "suffix"):
            raise s3_error(
                InvalidArgument,
                "filter rule name must be either prefix or suffix",
                ArgumentName="FilterRule.Name",
                ArgumentValue=rule.get("Name", ""),
            )
        if name.capitalize() in found:
            raise s3_error(
                InvalidArgument,
                f"Cannot specify more than one {name} rule in a filter.",
                ArgumentName="FilterRule.Name",
                ArgumentValue=rule.get("Name", ""),
            )
        found[name.capitalize()] = rule.get("Value", "")
        normalized.append({"Name": name.capitalize(), "Value": rule.get("Value", "")})
    if "Filter" in configuration:
        configuration["Filter"] = {"Key": {"FilterRules": normalized}}
    return found


def check_notification_configuration(config: dict, bucket: Bucket) -> dict:
    """The configuration as stored (ids filled in), or S3's error."""
    stored: dict = {}
    checked: list[tuple[list[str], dict[str, str]]] = []
    for member, arn_member, label, pattern in DESTINATIONS:
        configurations = config.get(member) or []
        for configuration in configurations:
            arn = configuration.get(arn_member) or ""
            match = pattern.match(arn)
            if match is None:
                raise s3_error(
                    InvalidArgument, "The ARN is not well formed", ArgumentName=label, ArgumentValue=arn
                )
            if match.group(1) != bucket.region:
                raise s3_error(
                    InvalidArgument,
                    "The notification destination service region is not valid for the bucket location constraint",
                    ArgumentName=label,
                    ArgumentValue=arn,
                )
            events = configuration.get("Events") or []
            if not events:
                raise s3_error(MalformedXML)
            for event in events:
                if event not in supported_events():
                    raise s3_error(
                        InvalidArgument,
                        "The event is not supported for notifications",
                        ArgumentName="Event",
                        ArgumentValue=event,
                    )
            key_filter = _check_filter(configuration)
            for other_events, other_filter in checked:
                if _events_overlap(events, other_events) and _filters_overlap(key_filter, other_filter):
                    raise s3_error(
                        InvalidArgument,
                        "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
                    )
            checked.append((events, key_filter))
            configuration.setdefault("Id", generated_id())
        if configurations:
            stored[member] = configurations
    if config.get("EventBridgeConfiguration") is not None:
        stored["EventBridgeConfiguration"] = {}
    return stored


def _from_legacy(config: dict) -> dict:
    converted: dict = {}
    for member, arn_member, label, _ in DESTINATIONS:
        legacy = config.get(LEGACY_MEMBERS[label])
        if not legacy:
            continue
        events = list(legacy.get("Events") or [])
        if legacy.get("Event") and legacy["Event"] not in events:
            events.append(legacy["Event"])
        item = {arn_member: legacy.get(label), "Events": events}
        if legacy.get("Id"):
            item["Id"] = legacy["Id"]
        converted[member] = [item]
    return converted


def _to_legacy(config: dict) -> dict:
    legacy: dict = {}
    for member, arn_member, label, _ in DESTINATIONS:
        configurations = config.get(member)
        if not configurations:
            continue
        first = configurations[0]
        legacy[LEGACY_MEMBERS[label]] = {
            "Id": first["Id"],
            "Events": first["Events"],
            "Event": first["Events"][0],
            label: first[arn_member],
        }
    return legacy


class NotificationOperations(ConfigOperationsBase):
    def _store_notification(self, ctx: RequestContext, req: dict, config: dict) -> dict:
        bucket = self._target(ctx, req)
        stored = check_notification_configuration(config, bucket)
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, NOTIFICATION, stored)
        return {}

    def put_bucket_notification_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._store_notification(ctx, req, req["NotificationConfiguration"])

    def get_bucket_notification_configuration(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        return notification_configuration(self.db(), bucket.name)

    def put_bucket_notification(self, ctx: RequestContext, req: dict) -> dict:
        return self._store_notification(ctx, req, _from_legacy(req["NotificationConfiguration"]))

    def get_bucket_notification(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        return _to_legacy(notification_configuration(self.db(), bucket.name))
