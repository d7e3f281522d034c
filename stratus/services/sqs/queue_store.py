"""Finding queues: by URL (as every message operation names them), by name, by ARN."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from stratus.core.context import RequestContext
from stratus.services.sqs.common import Queue, QueueDoesNotExist
from stratus.store import Database

NO_QUEUE_MESSAGE = "The specified queue does not exist."


def _queue(row) -> Queue:
    return Queue(
        queue_id=row["queue_id"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        arn=row["arn"],
        fifo=bool(row["fifo"]),
        attributes=json.loads(row["attributes"]),
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def find_queue(db: Database, account_id: str, region: str, name: str) -> Queue | None:
    row = db.query_one(
        "SELECT * FROM sqs_queues WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    return _queue(row) if row is not None else None


def queue_by_arn(db: Database, arn: str) -> Queue | None:
    row = db.query_one("SELECT * FROM sqs_queues WHERE arn = ?", (arn,))
    return _queue(row) if row is not None else None


def url_parts(queue_url: str) -> tuple[str | None, str | None, str]:
    """(account id, region from the host, queue name) of a queue URL.

    Accepted: `http://localhost:4566/<account>/<name>`, `http://sqs.<region>.localhost.localstack.cloud:4566/<account>/<name>`,
    AWS's `https://sqs.<region>.amazonaws.com/<account>/<name>`, and a bare queue name.
    """
    if "/" not in queue_url:
        return None, None, queue_url
    split = urlsplit(queue_url if "://" in queue_url else f"http://{queue_url}")
    segments = [s for s in split.path.split("/") if s]
    host = (split.hostname or "").split(".")
    region = host[1] if len(host) > 2 and host[0] == "sqs" else None
    if len(segments) >= 2:
        return segments[-2], region, segments[-1]
    return None, region, segments[-1] if segments else ""


def queue_from_url(ctx: RequestContext, db: Database, queue_url: str) -> Queue:
    """The queue a QueueUrl names (in the caller's region unless the host says otherwise), or AWS's
    QueueDoesNotExist. Another account's queue is found by the account in the URL."""
    account_id, region, name = url_parts(queue_url)
    queue = find_queue(db, account_id or ctx.account_id, region or ctx.region, name)
    if queue is None and region is not None and region != ctx.region:
        queue = find_queue(db, account_id or ctx.account_id, ctx.region, name)
    if queue is None:
        raise QueueDoesNotExist(NO_QUEUE_MESSAGE)
    return queue


def queue_url(ctx: RequestContext, queue: Queue) -> str:
    """The URL to hand back: the host the client used (so it resolves to this server), path form."""
    host = None
    if ctx.request is not None:
        host = ctx.request.headers.get("host")
    if not host:
        return f"{ctx.runtime.endpoint}/{queue.account_id}/{queue.name}"
    scheme = "https" if ctx.secure_transport else "http"
    return f"{scheme}://{host}/{queue.account_id}/{queue.name}"
