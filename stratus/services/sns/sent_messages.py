"""The readable log of what email, email-json, SMS and mobile push "sent".

AWS would hand these to a mail server, a carrier or a push service; Stratus keeps them so a test can
read the confirmation mail, the SMS or the push payload at `GET /_stratus/sns/messages`.
"""

from __future__ import annotations

import json

from stratus.store import Database


def record_sent(
    db: Database,
    *,
    account_id: str,
    region: str,
    protocol: str,
    endpoint: str,
    message_id: str,
    kind: str,
    body: str,
    sent_at: float,
    subject: str | None = None,
    topic_arn: str | None = None,
    subscription_arn: str | None = None,
    attributes: dict | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO sns_sent_messages (account_id, region, protocol, endpoint, topic_arn, subscription_arn, "
        "message_id, kind, subject, body, attributes, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account_id,
            region,
            protocol,
            endpoint,
            topic_arn,
            subscription_arn,
            message_id,
            kind,
            subject,
            body,
            json.dumps(attributes) if attributes else None,
            sent_at,
        ),
    )
    return int(cursor.lastrowid)


def sent_messages(
    db: Database,
    *,
    topic_arn: str | None = None,
    endpoint: str | None = None,
    protocol: str | None = None,
    account_id: str | None = None,
    region: str | None = None,
    limit: int = 1000,
) -> list[dict]:
    """Oldest first, filtered by whichever of the arguments are given."""
    clauses, params = [], []
    for column, value in (
        ("topic_arn", topic_arn),
        ("endpoint", endpoint),
        ("protocol", protocol),
        ("account_id", account_id),
        ("region", region),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.query(f"SELECT * FROM sns_sent_messages{where} ORDER BY id LIMIT ?", (*params, limit))
    return [
        {
            "id": row["id"],
            "account_id": row["account_id"],
            "region": row["region"],
            "protocol": row["protocol"],
            "endpoint": row["endpoint"],
            "topic_arn": row["topic_arn"],
            "subscription_arn": row["subscription_arn"],
            "message_id": row["message_id"],
            "kind": row["kind"],
            "subject": row["subject"],
            "body": row["body"],
            "attributes": json.loads(row["attributes"]) if row["attributes"] else None,
            "sent_at": row["sent_at"],
        }
        for row in rows
    ]
