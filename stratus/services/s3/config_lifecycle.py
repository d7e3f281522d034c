"""Lifecycle configuration: Put/GetBucketLifecycleConfiguration, DeleteBucketLifecycle and the
legacy Put/GetBucketLifecycle (one Transition per rule, Prefix instead of Filter), with S3's checks.

The rules are stored as given (V2 shape); expiring and transitioning objects is the lifecycle
worker's job, which reads them through `lifecycle_rules`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.s3.common import InvalidArgument, InvalidRequest, MalformedXML, s3_error
from stratus.services.s3.config_errors import NoSuchLifecycleConfiguration
from stratus.services.s3.config_store import (
    LIFECYCLE,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database

MAX_RULES = 1000
MAX_ID_LENGTH = 255
# Where objects may go, in the only order S3 lets them go (the transition "waterfall").
WATERFALL = ("STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
MIN_DAYS_IN_IA = 30  # objects stay 30 days in STANDARD_IA / ONEZONE_IA before moving on
IA_CLASSES = ("STANDARD_IA", "ONEZONE_IA")
MINIMUM_SIZE_BEHAVIOURS = ("all_storage_classes_128K", "varies_by_storage_class")
DEFAULT_MINIMUM_SIZE = "all_storage_classes_128K"  # the default since September 2024
ACTIONS = (
    "Expiration",
    "Transitions",
    "NoncurrentVersionExpiration",
    "NoncurrentVersionTransitions",
    "AbortIncompleteMultipartUpload",
)
FILTER_PREDICATES = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")


def lifecycle_rules(db: Database, bucket: str) -> list[dict]:
    """The bucket's lifecycle rules ([] when none)."""
    stored = read_config(db, bucket, LIFECYCLE)
    return stored["Rules"] if stored else []


def _filter_text(rule: dict) -> str:
    rule_filter = rule.get("Filter") or {}
    prefix = rule.get("Prefix")
    if prefix is None:
        prefix = rule_filter.get("Prefix")
    if prefix is None:
        prefix = (rule_filter.get("And") or {}).get("Prefix", "")
    return f"(prefix={prefix})"


def _check_midnight(value: datetime) -> None:
    moment = value.astimezone(UTC) if value.tzinfo else value
    if (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0):
        raise s3_error(
            InvalidArgument,
            "'Date' must be at midnight GMT",
            ArgumentName="Date",
            ArgumentValue=moment.strftime("%a %b %d %H:%M:%S GMT %Y"),
        )


def _check_filter(rule: dict) -> None:
    has_prefix, rule_filter = "Prefix" in rule, rule.get("Filter")
    if not has_prefix and rule_filter is None:
        raise s3_error(MalformedXML)
    if has_prefix and rule_filter is not None:
        raise s3_error(
            InvalidRequest,
            "Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.",
        )
    if rule_filter is None:
        return
    if sum(1 for name in FILTER_PREDICATES if name in rule_filter) > 1:
        raise s3_error(MalformedXML)
    conjunction = rule_filter.get("And")
    if conjunction is None:
        return
    tags = conjunction.get("Tags") or []
    predicates = len(tags) + sum(
        1 for name in ("Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan") if name in conjunction
    )
    if predicates < 2:
        raise s3_error(MalformedXML)
    keys = [tag.get("Key") for tag in tags]
    if len(keys) != len(set(keys)):
        raise s3_error(InvalidRequest, "Duplicate Tag Keys are not allowed.")
    low, high = conjunction.get("ObjectSizeGreaterThan"), conjunction.get("ObjectSizeLessThan")
    if low is not None and high is not None and low >= high:
        raise s3_error(InvalidRequest, "ObjectSizeLessThan must be greater than ObjectSizeGreaterThan")


def _uses_tags(rule: dict) -> bool:
    rule_filter = rule.get("Filter") or {}
    return "Tag" in rule_filter or bool((rule_filter.get("And") or {}).get("Tags"))


def _check_expiration(expiration: dict) -> None:
    if sum(1 for name in ("Days", "Date", "ExpiredObjectDeleteMarker") if name in expiration) != 1:
        raise s3_error(MalformedXML)
    if "Days" in expiration and expiration["Days"] <= 0:
        raise s3_error(InvalidArgument, "'Days' for Expiration action must be a positive integer")
    if "Date" in expiration:
        _check_midnight(expiration["Date"])


def _check_transitions(rule: dict, where: str) -> None:
    transitions = rule.get("Transitions") or []
    for transition in transitions:
        storage_class = transition.get("StorageClass")
        if storage_class not in WATERFALL or ("Days" in transition) == ("Date" in transition):
            raise s3_error(MalformedXML)
        if "Date" in transition:
            _check_midnight(transition["Date"])
            continue
        days = transition["Days"]
        if days < 0:
            raise s3_error(InvalidArgument, "'Days' in Transition action must be nonnegative")
        if storage_class in IA_CLASSES and days < MIN_DAYS_IN_IA:
            raise s3_error(
                InvalidArgument,
                f"'Days' in Transition action must be greater than or equal to {MIN_DAYS_IN_IA} "
                f"for storageClass '{storage_class}'",
            )
    classes = [t["StorageClass"] for t in transitions]
    if len(classes) != len(set(classes)):
        raise s3_error(
            InvalidRequest,
            f"'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '{where}'",
        )
    by_days = "Days" in transitions[0] if transitions else True
    if any(("Days" in t) != by_days for t in transitions):
        raise s3_error(
            InvalidRequest,
            f"Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '{where}'",
        )
    expiration = rule.get("Expiration") or {}
    if transitions and ("Days" in expiration and not by_days or "Date" in expiration and by_days):
        raise s3_error(
            InvalidRequest,
            f"Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter "
            f"'{where}'",
        )
    if not by_days:
        return
    ordered = sorted(transitions, key=lambda t: WATERFALL.index(t["StorageClass"]))
    for before, after in zip(ordered, ordered[1:], strict=False):
        gap = MIN_DAYS_IN_IA if before["StorageClass"] in IA_CLASSES else 1
        if after["Days"] - before["Days"] < gap:
            raise s3_error(
                InvalidArgument,
                f"'Days' in the Transition action for StorageClass {after['StorageClass']} for filter '{where}' must "
                f"be {gap} days more than 'filter '{where}'s Transition action for StorageClass "
                f"{before['StorageClass']}",
            )
    if ordered and "Days" in expiration and expiration["Days"] <= ordered[-1]["Days"]:
        raise s3_error(
            InvalidArgument,
            f"'Days' in the Expiration action for filter '{where}' must be greater than 'Days' in the Transition "
            f"action for StorageClass {ordered[-1]['StorageClass']} for filter '{where}'",
        )


def _check_noncurrent(rule: dict) -> None:
    for transition in rule.get("NoncurrentVersionTransitions") or []:
        storage_class, days = transition.get("StorageClass"), transition.get("NoncurrentDays")
        if storage_class not in WATERFALL or days is None:
            raise s3_error(MalformedXML)
        if days < 0:
            raise s3_error(
                InvalidArgument, "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative"
            )
        if storage_class in IA_CLASSES and days < MIN_DAYS_IN_IA:
            raise s3_error(
                InvalidArgument,
                f"'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to "
                f"{MIN_DAYS_IN_IA} for storageClass '{storage_class}'",
            )
        _check_newer_versions(transition)
    expiration = rule.get("NoncurrentVersionExpiration")
    if expiration is not None:
        if "NoncurrentDays" not in expiration and "NewerNoncurrentVersions" not in expiration:
            raise s3_error(MalformedXML)
        if "NoncurrentDays" in expiration and expiration["NoncurrentDays"] <= 0:
            raise s3_error(
                InvalidArgument,
                "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
            )
        _check_newer_versions(expiration)


def _check_newer_versions(action: dict) -> None:
    newer = action.get("NewerNoncurrentVersions")
    if newer is not None and not 1 <= newer <= 100:
        raise s3_error(InvalidArgument, "NewerNoncurrentVersions must be between 1 and 100")


def check_lifecycle_rules(rules: list[dict]) -> list[dict]:
    """The rules as stored, or S3's error for the first thing wrong."""
    if not rules:
        raise s3_error(MalformedXML)
    if len(rules) > MAX_RULES:
        raise s3_error(
            InvalidArgument,
            f"The number of lifecycle rules must not exceed the allowed limit of {MAX_RULES} rules",
        )
    seen: set[str] = set()
    for rule in rules:
        rule_id = rule.get("ID")
        if not rule_id:
            raise s3_error(MalformedXML)
        if len(rule_id) > MAX_ID_LENGTH:
            raise s3_error(
                InvalidArgument,
                f"ID length should not exceed allowed limit of {MAX_ID_LENGTH}",
                ArgumentName="ID",
                ArgumentValue=rule_id,
            )
        if rule_id in seen:
            raise s3_error(
                InvalidArgument,
                "Rule ID must be unique. Found same ID for more than one rule",
                ArgumentName="ID",
                ArgumentValue=rule_id,
            )
        seen.add(rule_id)
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise s3_error(MalformedXML)
        _check_filter(rule)
        if not any(rule.get(action) for action in ACTIONS) and rule.get("Expiration") is None:
            raise s3_error(InvalidRequest, "At least one action needs to be specified in a rule")
        if rule.get("Expiration") is not None:
            _check_expiration(rule["Expiration"])
        _check_transitions(rule, _filter_text(rule))
        _check_noncurrent(rule)
        abort = rule.get("AbortIncompleteMultipartUpload")
        if abort is not None:
            if abort.get("DaysAfterInitiation") is None:
                raise s3_error(MalformedXML)
            if abort["DaysAfterInitiation"] <= 0:
                raise s3_error(
                    InvalidArgument,
                    "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
                )
            if _uses_tags(rule):
                raise s3_error(
                    InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags."
                )
    return rules


def _from_legacy(rule: dict) -> dict:
    converted = {
        name: value
        for name, value in rule.items()
        if name not in ("Transition", "NoncurrentVersionTransition")
    }
    if rule.get("Transition") is not None:
        converted["Transitions"] = [rule["Transition"]]
    if rule.get("NoncurrentVersionTransition") is not None:
        converted["NoncurrentVersionTransitions"] = [rule["NoncurrentVersionTransition"]]
    return converted


def _to_legacy(rule: dict) -> dict:
    legacy = {
        name: value
        for name, value in rule.items()
        if name not in ("Filter", "Transitions", "NoncurrentVersionTransitions")
    }
    if "Prefix" not in legacy:
        rule_filter = rule.get("Filter") or {}
        legacy["Prefix"] = rule_filter.get("Prefix", (rule_filter.get("And") or {}).get("Prefix", ""))
    if rule.get("Transitions"):
        legacy["Transition"] = rule["Transitions"][0]
    if rule.get("NoncurrentVersionTransitions"):
        legacy["NoncurrentVersionTransition"] = rule["NoncurrentVersionTransitions"][0]
    return legacy


class LifecycleOperations(ConfigOperationsBase):
    def _store_lifecycle(self, ctx: RequestContext, req: dict, rules: list[dict]) -> dict:
        bucket = self._target(ctx, req)
        minimum_size = req.get("TransitionDefaultMinimumObjectSize") or DEFAULT_MINIMUM_SIZE
        if minimum_size not in MINIMUM_SIZE_BEHAVIOURS:
            raise s3_error(
                InvalidArgument,
                "Invalid value for x-amz-transition-default-minimum-object-size",
                ArgumentName="x-amz-transition-default-minimum-object-size",
                ArgumentValue=minimum_size,
            )
        checked = check_lifecycle_rules(rules)
        db = self.db()
        with db.transaction():
            write_config(
                db,
                bucket.name,
                LIFECYCLE,
                {"Rules": checked, "TransitionDefaultMinimumObjectSize": minimum_size},
            )
        return {"TransitionDefaultMinimumObjectSize": minimum_size}

    def _stored_lifecycle(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        stored = read_config(self.db(), bucket.name, LIFECYCLE)
        if not stored:
            raise s3_error(NoSuchLifecycleConfiguration, BucketName=bucket.name)
        return stored

    def put_bucket_lifecycle_configuration(self, ctx: RequestContext, req: dict) -> dict:
        configuration = req.get("LifecycleConfiguration")
        if configuration is None:
            self._target(ctx, req)
            raise s3_error(MalformedXML)
        return self._store_lifecycle(ctx, req, configuration.get("Rules") or [])

    def get_bucket_lifecycle_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._stored_lifecycle(ctx, req)

    def delete_bucket_lifecycle(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, LIFECYCLE)
        return {}

    def put_bucket_lifecycle(self, ctx: RequestContext, req: dict) -> dict:
        configuration = req.get("LifecycleConfiguration")
        if configuration is None:
            self._target(ctx, req)
            raise s3_error(MalformedXML)
        self._store_lifecycle(ctx, req, [_from_legacy(rule) for rule in configuration.get("Rules") or []])
        return {}

    def get_bucket_lifecycle(self, ctx: RequestContext, req: dict) -> dict:
        stored = self._stored_lifecycle(ctx, req)
        return {"Rules": [_to_legacy(rule) for rule in stored["Rules"]]}
