"""Topic management: create, delete, attributes, list, tags, permissions, data protection policy."""

from __future__ import annotations

import json
import re

from stratus.core.context import RequestContext
from stratus.services.sns import topic_attributes as attrs
from stratus.services.sns.common import ResourceNotFound, TagLimitExceeded, invalid, now, parse_sns_arn
from stratus.services.sns.paging import decode_token, page
from stratus.services.sns.topic_store import (
    Topic,
    check_arn,
    require_topic,
    save_attributes,
    topic_arn,
    topic_by_arn,
)
from stratus.store import Database

TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
FIFO_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")
LIST_PAGE = 100
MAX_TAGS = 50
LABEL = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
PERMISSION_ACTIONS = {
    "AddPermission",
    "DeleteTopic",
    "GetTopicAttributes",
    "ListSubscriptionsByTopic",
    "Publish",
    "Receive",
    "RemovePermission",
    "SetTopicAttributes",
    "Subscribe",
}


def subscription_counts(db: Database, arn: str) -> tuple[int, int]:
    row = db.query_one(
        "SELECT COALESCE(SUM(confirmed = 0), 0) AS pending, COALESCE(SUM(confirmed = 1), 0) AS confirmed "
        "FROM sns_subscriptions WHERE topic_arn = ?",
        (arn,),
    )
    return int(row["pending"]), int(row["confirmed"])


def read_tags(db: Database, arn: str) -> dict[str, str]:
    rows = db.query("SELECT key, value FROM sns_topic_tags WHERE topic_arn = ? ORDER BY key", (arn,))
    return {row["key"]: row["value"] for row in rows}


def _check_tags(tags: list[dict]) -> dict[str, str]:
    result: dict[str, str] = {}
    keys = [tag.get("Key") for tag in tags]
    if len(set(keys)) != len(keys):
        raise invalid("Duplicated keys are not allowed.")
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise invalid("Tags Reason: Tag keys must be between 1 and 128 characters in length.")
        if key.lower().startswith("aws:"):
            raise invalid("Tags Reason: Keys may not start with aws:")
        if not isinstance(value, str) or len(value) > 256:
            raise invalid("Tags Reason: Tag values must be between 0 and 256 characters in length.")
        result[key] = value
    return result


def _write_tags(db: Database, arn: str, tags: dict[str, str]) -> None:
    existing = set(read_tags(db, arn))
    if len(existing | set(tags)) > MAX_TAGS:
        raise TagLimitExceeded("Could not complete request: tag quota of per resource exceeded")
    db.executemany(
        "INSERT OR REPLACE INTO sns_topic_tags (topic_arn, key, value) VALUES (?, ?, ?)",
        [(arn, key, value) for key, value in tags.items()],
    )


def _tag_target(db: Database, arn: object) -> Topic:
    topic = topic_by_arn(db, arn) if isinstance(arn, str) else None
    if topic is None:
        raise ResourceNotFound("Resource does not exist")
    return topic


def _policy_document(topic: Topic) -> dict:
    text = topic.attributes.get("Policy") or attrs.default_policy(topic.arn, topic.account_id)
    document = json.loads(text)
    statements = document.get("Statement", [])
    document["Statement"] = [statements] if isinstance(statements, dict) else list(statements)
    return document


class TopicOperations:
    def db(self) -> Database:  # supplied by SnsProvider
        raise NotImplementedError

    # ------------------------------------------------------------------ create / delete

    def create_topic(self, ctx: RequestContext, req: dict) -> dict:
        name = req["Name"]
        given = dict(req.get("Attributes") or {})
        fifo_value = given.pop("FifoTopic", "false")
        if fifo_value.lower() not in ("true", "false"):
            raise invalid(
                "Attributes Reason: FifoTopic: Invalid value [" + fifo_value + "]. Must be true or false."
            )
        fifo = fifo_value.lower() == "true"
        if not (FIFO_TOPIC_NAME if fifo else TOPIC_NAME).match(name):
            raise invalid("Topic Name")
        attributes = {key: attrs.validate_at_creation(key, value, fifo=fifo) for key, value in given.items()}
        tags = _check_tags(req.get("Tags") or [])
        data_protection = req.get("DataProtectionPolicy")
        if data_protection is not None:
            _check_data_protection_policy(data_protection)
        arn = topic_arn(ctx.partition, ctx.region, ctx.account_id, name)
        db = self.db()
        with db.transaction():
            existing = topic_by_arn(db, arn)
            if existing is not None:
                if _differs(existing.attributes, attributes):
                    raise invalid("Attributes Reason: Topic already exists with different attributes")
                if tags and any(read_tags(db, arn).get(key) != value for key, value in tags.items()):
                    raise invalid("Tags Reason: Topic already exists with different tags")
                return {"TopicArn": arn}
            db.execute(
                "INSERT INTO sns_topics (arn, account_id, region, name, fifo, attributes, data_protection_policy, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    arn,
                    ctx.account_id,
                    ctx.region,
                    name,
                    int(fifo),
                    json.dumps(attributes, sort_keys=True),
                    data_protection,
                    now(ctx),
                ),
            )
            if tags:
                _write_tags(db, arn, tags)
        return {"TopicArn": arn}

    def delete_topic(self, ctx: RequestContext, req: dict) -> dict:
        arn = req["TopicArn"]
        check_arn(arn, "TopicArn")
        if parse_sns_arn(arn)[0] != ctx.region:
            raise invalid("TopicArn")
        db = self.db()
        with db.transaction():
            for table, column in (
                ("sns_subscriptions", "topic_arn"),
                ("sns_topic_tags", "topic_arn"),
                ("sns_fifo_dedup", "topic_arn"),
                ("sns_topics", "arn"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (arn,))
        return {}

    # ------------------------------------------------------------------ attributes

    def get_topic_attributes(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        topic = require_topic(db, req["TopicArn"], region=ctx.region)
        pending, confirmed = subscription_counts(db, topic.arn)
        return {"Attributes": attrs.describe(topic, pending, confirmed)}

    def set_topic_attributes(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req["AttributeName"]
        value = req.get("AttributeValue")
        with db.transaction():
            topic = require_topic(db, req["TopicArn"], region=ctx.region)
            stored = attrs.validate(name, value if value is not None else "", fifo=topic.fifo, creating=False)
            updated = dict(topic.attributes)
            if stored == "" and name in ("Policy", "DeliveryPolicy", "ArchivePolicy"):
                updated.pop(name, None)  # an empty value puts the default back
            else:
                updated[name] = stored
            save_attributes(db, topic, updated)
        return {}

    # ------------------------------------------------------------------ listing

    def list_topics(self, ctx: RequestContext, req: dict) -> dict:
        after = decode_token(req.get("NextToken"))
        rows = self.db().query(
            "SELECT topic_id, arn FROM sns_topics WHERE account_id = ? AND region = ? AND topic_id > ? "
            "ORDER BY topic_id LIMIT ?",
            (ctx.account_id, ctx.region, after, LIST_PAGE + 1),
        )
        kept, token = page(rows, LIST_PAGE, lambda row: row["topic_id"])
        result: dict = {"Topics": [{"TopicArn": row["arn"]} for row in kept]}
        if token:
            result["NextToken"] = token
        return result

    # ------------------------------------------------------------------ tags

    def tag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            topic = _tag_target(db, req["ResourceArn"])
            _write_tags(db, topic.arn, _check_tags(req.get("Tags") or []))
        return {}

    def untag_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            topic = _tag_target(db, req["ResourceArn"])
            db.executemany(
                "DELETE FROM sns_topic_tags WHERE topic_arn = ? AND key = ?",
                [(topic.arn, key) for key in req.get("TagKeys") or []],
            )
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        topic = _tag_target(db, req["ResourceArn"])
        return {"Tags": [{"Key": key, "Value": value} for key, value in read_tags(db, topic.arn).items()]}

    # ------------------------------------------------------------------ permissions

    def add_permission(self, ctx: RequestContext, req: dict) -> dict:
        label = req["Label"]
        if not LABEL.match(label):
            raise invalid("Label")
        accounts = req.get("AWSAccountId") or []
        actions = req.get("ActionName") or []
        if not accounts:
            raise invalid("AWSAccountId")
        if not actions:
            raise invalid("ActionName")
        for action in actions:
            if action not in PERMISSION_ACTIONS:
                raise invalid(f"Policy statement action out of service scope! {action}")
        db = self.db()
        with db.transaction():
            topic = require_topic(db, req["TopicArn"], region=ctx.region)
            document = _policy_document(topic)
            if any(statement.get("Sid") == label for statement in document["Statement"]):
                raise invalid("Statement already exists")
            principals = [f"arn:{ctx.partition}:iam::{account}:root" for account in accounts]
            sns_actions = [f"SNS:{action}" for action in actions]
            document["Statement"].append(
                {
                    "Sid": label,
                    "Effect": "Allow",
                    "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
                    "Action": sns_actions[0] if len(sns_actions) == 1 else sns_actions,
                    "Resource": topic.arn,
                }
            )
            save_attributes(
                db, topic, {**topic.attributes, "Policy": json.dumps(document, separators=(",", ":"))}
            )
        return {}

    def remove_permission(self, ctx: RequestContext, req: dict) -> dict:
        label = req["Label"]
        db = self.db()
        with db.transaction():
            topic = require_topic(db, req["TopicArn"], region=ctx.region)
            document = _policy_document(topic)
            kept = [statement for statement in document["Statement"] if statement.get("Sid") != label]
            if len(kept) != len(document["Statement"]):
                document["Statement"] = kept
                policy = json.dumps(document, separators=(",", ":"))
                save_attributes(db, topic, {**topic.attributes, "Policy": policy})
        return {}

    # ------------------------------------------------------------------ data protection

    def get_data_protection_policy(self, ctx: RequestContext, req: dict) -> dict:
        topic = require_topic(self.db(), req["ResourceArn"], "ResourceArn", region=ctx.region)
        return {"DataProtectionPolicy": topic.data_protection_policy} if topic.data_protection_policy else {}

    def put_data_protection_policy(self, ctx: RequestContext, req: dict) -> dict:
        policy = req["DataProtectionPolicy"]
        _check_data_protection_policy(policy)
        db = self.db()
        with db.transaction():
            topic = require_topic(db, req["ResourceArn"], "ResourceArn", region=ctx.region)
            db.execute(
                "UPDATE sns_topics SET data_protection_policy = ? WHERE topic_id = ?",
                (policy or None, topic.topic_id),
            )
        return {}

    # ------------------------------------------------------------------ the IAM hooks

    def resource_policy(self, ctx: RequestContext | None, resource_arn: str) -> str | None:
        topic = topic_by_arn(self.db(), resource_arn)
        if topic is None:
            return None
        return topic.attributes.get("Policy") or attrs.default_policy(topic.arn, topic.account_id)

    def resource_tags(self, ctx: RequestContext | None, resource_arn: str) -> dict[str, str] | None:
        db = self.db()
        return read_tags(db, resource_arn) if topic_by_arn(db, resource_arn) is not None else None


def _differs(existing: dict[str, str], requested: dict[str, str]) -> bool:
    return any(existing.get(key, "") != value for key, value in requested.items())


def _check_data_protection_policy(text: str) -> None:
    """AWS checks the document's shape: a JSON object with Name, Version and Statement."""
    if text == "":
        return
    try:
        document = json.loads(text)
    except ValueError:
        raise invalid("DataProtectionPolicy: Invalid JSON") from None
    if not isinstance(document, dict):
        raise invalid("DataProtectionPolicy: must be a JSON object")
    for field in ("Name", "Version", "Statement"):
        if field not in document:
            raise invalid(f"DataProtectionPolicy: missing required field {field}")
    if not isinstance(document["Statement"], list):
        raise invalid("DataProtectionPolicy: Statement must be an array")
