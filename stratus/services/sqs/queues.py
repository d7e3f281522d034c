"""Queue management: create, find, list, delete, attributes, tags, purge, dead-letter sources.

Permissions live in `permissions.py`, dead-letter redrive tasks in `move_tasks.py`; SqsProvider
supplies `db`.
"""

from __future__ import annotations

import base64
import json
import re

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.sqs import attributes as attrs
from stratus.services.sqs.common import InvalidParameterValue, Queue, QueueDoesNotExist
from stratus.services.sqs.move_tasks import MoveTaskOperations
from stratus.services.sqs.permissions import PermissionOperations
from stratus.services.sqs.queue_store import (
    NO_QUEUE_MESSAGE,
    find_queue,
    queue_by_arn,
    queue_from_url,
    queue_url,
)
from stratus.services.sqs.queue_store import _queue as queue_from_row  # the row -> Queue mapping
from stratus.store import Database

STANDARD_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
NAME_MESSAGE = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
FIFO_NAME_MESSAGE = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
    "must end with .fifo suffix and be 1 to 80 in length."
)
MAX_TAGS = 50
MAX_LIST_RESULTS = 1000
PURGE_INTERVAL_SECONDS = 60


class QueueDeletedRecently(ServiceError):
    code = "QueueDeletedRecently"


# AWS: "You must wait 60 seconds after deleting a queue before you can create another with the same name."
DELETED_NAME_BLOCKED_SECONDS = 60


class QueueNameExists(ServiceError):
    # Query protocol: QueueAlreadyExists. Status from the model.
    code = "QueueNameExists"


class PurgeQueueInProgress(ServiceError):
    # Query protocol: AWS.SimpleQueueService.PurgeQueueInProgress. Status from the model.
    code = "PurgeQueueInProgress"


def _now(ctx: RequestContext) -> float:
    return ctx.time.timestamp()


def _encode_token(after: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode()


def _decode_token(token: str | None) -> str | None:
    if not token:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except (ValueError, KeyError, TypeError):
        raise InvalidParameterValue("Invalid NextToken value.") from None
    if not isinstance(after, str):
        raise InvalidParameterValue("Invalid NextToken value.")
    return after


def _max_results(req: dict) -> int | None:
    value = req.get("MaxResults")
    if value is None:
        return None
    if not 1 <= int(value) <= MAX_LIST_RESULTS:
        raise InvalidParameterValue(
            "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000."
        )
    return int(value)


def _page(names_and_urls: list[tuple[str, str]], req: dict, member: str) -> dict:
    """One page of URLs; NextToken only when MaxResults was given (AWS: at most 1000 otherwise)."""
    limit = _max_results(req)
    after = _decode_token(req.get("NextToken"))
    if after is not None:
        names_and_urls = [pair for pair in names_and_urls if pair[0] > after]
    page = names_and_urls[: limit or MAX_LIST_RESULTS]
    output: dict = {}
    if page:
        output[member] = [url for _, url in page]
    if limit is not None and len(names_and_urls) > limit:
        output["NextToken"] = _encode_token(page[-1][0])
    return output


def check_tags(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise InvalidParameterValue("Tag keys must be between 1 and 128 characters in length.")
        if len(value) > 256:
            raise InvalidParameterValue("Tag values may not exceed 256 characters in length.")
        if key.lower().startswith("aws:"):
            raise InvalidParameterValue("Tag keys cannot start with the aws: prefix.")


def _write_tags(db: Database, queue: Queue, tags: dict[str, str]) -> None:
    existing = {
        row["key"] for row in db.query("SELECT key FROM sqs_queue_tags WHERE queue_id = ?", (queue.queue_id,))
    }
    if len(existing | set(tags)) > MAX_TAGS:
        raise InvalidParameterValue(f"Too many tags added for queue {queue.name}.")
    db.executemany(
        "INSERT INTO sqs_queue_tags (queue_id, key, value) VALUES (?, ?, ?)"
        " ON CONFLICT (queue_id, key) DO UPDATE SET value = excluded.value",
        [(queue.queue_id, key, value) for key, value in tags.items()],
    )


def read_tags(db: Database, queue_id: int) -> dict[str, str]:
    rows = db.query("SELECT key, value FROM sqs_queue_tags WHERE queue_id = ? ORDER BY key", (queue_id,))
    return {row["key"]: row["value"] for row in rows}


class QueueOperations(PermissionOperations, MoveTaskOperations):
    def db(self) -> Database:  # pragma: no cover - SqsProvider overrides it
        raise NotImplementedError

    # ------------------------------------------------------------------ create, find, list, delete

    def create_queue(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req["QueueName"]
        given = dict(req.get("Attributes") or {})
        tags = dict(req.get("tags") or {})
        fifo = self._fifo_requested(name, given)
        arn = f"arn:{ctx.partition}:sqs:{ctx.region}:{ctx.account_id}:{name}"
        existing = find_queue(db, ctx.account_id, ctx.region, name)
        if existing is not None:
            requested = attrs.validate(db, given, queue_arn=arn, fifo=fifo, current=attrs.defaults(fifo))
            differing = attrs.differing_attribute(given, requested, existing.attributes)
            if differing is not None or existing.fifo != fifo:
                raise QueueNameExists(
                    "A queue already exists with the same name and a different value for attribute "
                    + (differing or "FifoQueue")
                )
            return {"QueueUrl": queue_url(ctx, existing)}
        values = attrs.validate(db, given, queue_arn=arn, fifo=fifo, current=attrs.defaults(fifo))
        deleted = db.query_one(
            "SELECT deleted_at FROM sqs_deleted_queues WHERE account_id = ? AND region = ? AND name = ?",
            (ctx.account_id, ctx.region, name),
        )
        if deleted is not None and _now(ctx) < deleted["deleted_at"] + DELETED_NAME_BLOCKED_SECONDS:
            raise QueueDeletedRecently(
                "You must wait 60 seconds after deleting a queue before you can create another with the same name."
            )
        check_tags(tags)
        if len(tags) > MAX_TAGS:
            raise InvalidParameterValue(f"Too many tags added for queue {name}.")
        now = _now(ctx)
        with db.transaction():
            cursor = db.execute(
                "INSERT INTO sqs_queues (account_id, region, name, arn, fifo, attributes, created_at, modified_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ctx.account_id,
                    ctx.region,
                    name,
                    arn,
                    int(fifo),
                    json.dumps(values, sort_keys=True),
                    now,
                    now,
                ),
            )
            queue_id = cursor.lastrowid
            db.executemany(
                "INSERT INTO sqs_queue_tags (queue_id, key, value) VALUES (?, ?, ?)",
                [(queue_id, key, value) for key, value in tags.items()],
            )
        created = find_queue(db, ctx.account_id, ctx.region, name)
        assert created is not None
        return {"QueueUrl": queue_url(ctx, created)}

    @staticmethod
    def _fifo_requested(name: str, given: dict[str, str]) -> bool:
        """Whether CreateQueue asks for a FIFO queue; AWS ties that to the `.fifo` name suffix."""
        fifo = "FifoQueue" in given and attrs.parse_boolean("FifoQueue", given["FifoQueue"]) == "true"
        if fifo:
            if not FIFO_NAME.match(name):
                raise InvalidParameterValue(FIFO_NAME_MESSAGE)
        elif not STANDARD_NAME.match(name):
            raise InvalidParameterValue(NAME_MESSAGE)
        return fifo

    def get_queue_url(self, ctx: RequestContext, req: dict) -> dict:
        account_id = req.get("QueueOwnerAWSAccountId") or ctx.account_id
        queue = find_queue(self.db(), account_id, ctx.region, req["QueueName"])
        if queue is None:
            raise QueueDoesNotExist(NO_QUEUE_MESSAGE)
        return {"QueueUrl": queue_url(ctx, queue)}

    def list_queues(self, ctx: RequestContext, req: dict) -> dict:
        prefix = req.get("QueueNamePrefix") or ""
        rows = self.db().query(
            "SELECT * FROM sqs_queues WHERE account_id = ? AND region = ? ORDER BY name",
            (ctx.account_id, ctx.region),
        )
        queues = [queue_from_row(row) for row in rows if row["name"].startswith(prefix)]
        return _page([(queue.name, queue_url(ctx, queue)) for queue in queues], req, "QueueUrls")

    def delete_queue(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        with db.transaction():
            # Group heads first: the delete trigger then has no head to recompute per message.
            for table in (
                "sqs_group_heads",
                "sqs_messages",
                "sqs_queue_tags",
                "sqs_deduplication",
                "sqs_sequence",
            ):
                db.execute(f"DELETE FROM {table} WHERE queue_id = ?", (queue.queue_id,))
            db.execute("DELETE FROM sqs_queues WHERE queue_id = ?", (queue.queue_id,))
            db.execute(
                "INSERT OR REPLACE INTO sqs_deleted_queues (account_id, region, name, deleted_at) VALUES (?, ?, ?, ?)",
                (queue.account_id, queue.region, queue.name, _now(ctx)),
            )
        return {}

    # ------------------------------------------------------------------ attributes

    def get_queue_attributes(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        names = req.get("AttributeNames") or []
        values = attrs.render(db, queue, names, _now(ctx))
        return {"Attributes": values} if values else {}

    def set_queue_attributes(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        given = dict(req.get("Attributes") or {})
        # The queue type is fixed at creation.
        if (
            "FifoQueue" in given
            and queue.fifo
            and attrs.parse_boolean("FifoQueue", given["FifoQueue"]) != "true"
        ):
            raise attrs.InvalidAttributeValue(
                "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
            )
        values = attrs.validate(db, given, queue_arn=queue.arn, fifo=queue.fifo, current=queue.attributes)
        with db.transaction():
            attrs.save(db, queue, values, _now(ctx))
        return {}

    # ------------------------------------------------------------------ tags

    def tag_queue(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        tags = dict(req.get("Tags") or {})
        check_tags(tags)
        with db.transaction():
            _write_tags(db, queue, tags)
        return {}

    def untag_queue(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        with db.transaction():
            db.executemany(
                "DELETE FROM sqs_queue_tags WHERE queue_id = ? AND key = ?",
                [(queue.queue_id, key) for key in req.get("TagKeys") or []],
            )
        return {}

    def list_queue_tags(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        tags = read_tags(db, queue_from_url(ctx, db, req["QueueUrl"]).queue_id)
        return {"Tags": tags} if tags else {}

    # ------------------------------------------------------------------ purge, dead-letter sources

    def purge_queue(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        now = _now(ctx)
        with db.transaction():
            row = db.query_one(
                "SELECT purge_started_at FROM sqs_queues WHERE queue_id = ?", (queue.queue_id,)
            )
            started = row["purge_started_at"] if row else None
            if started is not None and now - started < PURGE_INTERVAL_SECONDS:
                raise PurgeQueueInProgress(
                    f"Only one PurgeQueue operation on {queue.name} is allowed every {PURGE_INTERVAL_SECONDS} seconds."
                )
            db.execute("DELETE FROM sqs_group_heads WHERE queue_id = ?", (queue.queue_id,))
            db.execute("DELETE FROM sqs_messages WHERE queue_id = ?", (queue.queue_id,))
            db.execute("UPDATE sqs_queues SET purge_started_at = ? WHERE queue_id = ?", (now, queue.queue_id))
        return {}

    def list_dead_letter_source_queues(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        target = queue_from_url(ctx, db, req["QueueUrl"])
        # The LIKE narrows the scan; the JSON check decides.
        rows = db.query(
            "SELECT * FROM sqs_queues WHERE account_id = ? AND region = ? AND attributes LIKE ? ORDER BY name",
            (target.account_id, target.region, f"%{target.arn}%"),
        )
        sources = []
        for row in rows:
            queue = queue_from_row(row)
            policy = queue.attributes.get("RedrivePolicy")
            if policy and json.loads(policy).get("deadLetterTargetArn") == target.arn:
                sources.append((queue.name, queue_url(ctx, queue)))
        return _page(sources, req, "queueUrls")

    # ------------------------------------------------------------------ IAM hooks

    def resource_policy(self, ctx: RequestContext, resource_arn: str) -> str | None:
        queue = queue_by_arn(self.db(), resource_arn)
        return queue.attributes.get("Policy") if queue is not None else None

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        db = self.db()
        queue = queue_by_arn(db, resource_arn)
        return read_tags(db, queue.queue_id) if queue is not None else None
