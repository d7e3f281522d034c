"""AddPermission / RemovePermission: labelled statements in the queue's Policy attribute.

AWS writes one statement per Label (`Sid`), granting `SQS:<Action>` on the queue to the accounts'
root principals, in a policy whose Id is `<queue ARN>/SQSDefaultPolicy`.
"""

from __future__ import annotations

import json
import re

from stratus.core.context import RequestContext
from stratus.services.sqs import attributes as attrs
from stratus.services.sqs.common import InvalidParameterValue, MissingParameter, Queue
from stratus.services.sqs.queue_store import queue_from_url
from stratus.store import Database

LABEL = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
# Actions a queue owner may grant to other accounts.
GRANTABLE = {
    "*",
    "ChangeMessageVisibility",
    "DeleteMessage",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListQueueTags",
    "PurgeQueue",
    "ReceiveMessage",
    "SendMessage",
}
OWNER_ONLY = {
    "AddPermission",
    "CreateQueue",
    "DeleteQueue",
    "ListQueues",
    "RemovePermission",
    "SetQueueAttributes",
    "TagQueue",
    "UntagQueue",
}


def _label_error(label: str, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value {label} for parameter Label is invalid. Reason: {reason}")


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def _policy_document(queue: Queue) -> dict:
    text = queue.attributes.get("Policy")
    if text:
        document = json.loads(text)
        statements = document.get("Statement", [])
        document["Statement"] = [statements] if isinstance(statements, dict) else list(statements)
        return document
    return {"Version": "2012-10-17", "Id": f"{queue.arn}/SQSDefaultPolicy", "Statement": []}


def _check_actions(actions: list[str]) -> None:
    for action in actions:
        if action in OWNER_ONLY:
            raise InvalidParameterValue(
                f"Value SQS:{action} for parameter ActionName is invalid. "
                "Reason: Only the queue owner is allowed to invoke this action."
            )
        if action not in GRANTABLE:
            raise InvalidParameterValue(
                f"Value SQS:{action} for parameter ActionName is invalid. "
                "Reason: Please refer to the appropriate WSDL for a list of valid actions."
            )


class PermissionOperations:
    def db(self) -> Database:  # pragma: no cover - SqsProvider overrides it
        raise NotImplementedError

    def add_permission(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        label = req["Label"]
        accounts = list(req.get("AWSAccountIds") or [])
        actions = list(req.get("Actions") or [])
        if not LABEL.match(label):
            raise _label_error(
                label, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
            )
        if not accounts:
            raise MissingParameter("The request must contain the parameter AWSAccountIds.")
        if not actions:
            raise MissingParameter("The request must contain the parameter Actions.")
        _check_actions(actions)
        document = _policy_document(queue)
        if any(statement.get("Sid") == label for statement in document["Statement"]):
            raise _label_error(label, "Already exists.")
        document["Statement"].append(
            {
                "Sid": label,
                "Effect": "Allow",
                "Principal": {"AWS": _one_or_many([f"arn:{ctx.partition}:iam::{a}:root" for a in accounts])},
                "Action": _one_or_many([f"SQS:{action}" for action in actions]),
                "Resource": queue.arn,
            }
        )
        self._save_policy(ctx, db, queue, document)
        return {}

    def remove_permission(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        label = req["Label"]
        document = _policy_document(queue)
        kept = [statement for statement in document["Statement"] if statement.get("Sid") != label]
        if len(kept) == len(document["Statement"]):
            raise _label_error(label, "can't find label on existing policy.")
        document["Statement"] = kept
        self._save_policy(ctx, db, queue, document)
        return {}

    @staticmethod
    def _save_policy(ctx: RequestContext, db: Database, queue: Queue, document: dict) -> None:
        values = dict(queue.attributes)
        if document["Statement"]:
            values["Policy"] = json.dumps(document, separators=(",", ":"))
        else:  # the last statement removed: the queue has no policy any more
            values.pop("Policy", None)
        with db.transaction():
            attrs.save(db, queue, values, ctx.time.timestamp())
