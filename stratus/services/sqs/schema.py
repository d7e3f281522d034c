"""The sqs database: queues, their tags, messages, FIFO deduplication records and move tasks.

Every row is scoped by the queue's `queue_id`, and queues by (account_id, region, name). Times are
emulated epoch seconds (the Stratus clock). `seq` (INTEGER PRIMARY KEY) is the send order.
"""

from __future__ import annotations

SQS_DATABASE = "sqs"

MIGRATIONS = [
    """
    CREATE TABLE sqs_queues (
        queue_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        fifo INTEGER NOT NULL,
        attributes TEXT NOT NULL,           -- JSON object: the settable attributes, AWS's names, string values
        created_at REAL NOT NULL,
        modified_at REAL NOT NULL,
        purge_started_at REAL               -- last PurgeQueue (a second one within 60 s is refused)
    );
    CREATE UNIQUE INDEX sqs_queues_by_name ON sqs_queues (account_id, region, name);
    CREATE INDEX sqs_queues_by_arn ON sqs_queues (arn);

    CREATE TABLE sqs_queue_tags (
        queue_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (queue_id, key)
    );

    CREATE TABLE sqs_messages (
        seq INTEGER PRIMARY KEY,            -- send order (FIFO order within a group)
        queue_id INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        message_attributes TEXT,            -- JSON: {name: {"DataType":..., "StringValue"|"BinaryValue"(base64)}}
        system_attributes TEXT,             -- JSON: MessageSystemAttributes sent (AWSTraceHeader)
        md5_body TEXT NOT NULL,
        md5_attributes TEXT,
        md5_system_attributes TEXT,
        sent_at REAL NOT NULL,              -- SentTimestamp (kept when moved to a dead-letter queue)
        visible_at REAL NOT NULL,           -- receivable from (delay, then visibility deadlines)
        expires_at REAL NOT NULL,           -- sent_at + MessageRetentionPeriod (of the queue it is in)
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_received_at REAL,
        received_at REAL,                   -- the latest receive (visibility may not pass it + 12 h)
        receipt_nonce TEXT,                 -- changes on every receive: identifies the current receipt handle
        group_id TEXT,                      -- FIFO MessageGroupId (also kept for standard queues if sent)
        dedup_id TEXT,                      -- FIFO MessageDeduplicationId (given or content-based)
        sequence_number TEXT,               -- FIFO SequenceNumber
        sender_id TEXT NOT NULL,
        dead_letter_source_arn TEXT         -- set when moved to a dead-letter queue
    );
    CREATE INDEX sqs_messages_ready ON sqs_messages (queue_id, visible_at, seq);
    CREATE INDEX sqs_messages_by_group ON sqs_messages (queue_id, group_id, seq);
    CREATE INDEX sqs_messages_by_expiry ON sqs_messages (queue_id, expires_at);
    CREATE UNIQUE INDEX sqs_messages_by_id ON sqs_messages (queue_id, message_id);

    CREATE TABLE sqs_deduplication (
        queue_id INTEGER NOT NULL,
        scope TEXT NOT NULL,                -- "" (queue scope) or the MessageGroupId (messageGroup scope)
        dedup_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence_number TEXT,
        expires_at REAL NOT NULL,           -- sent + 5 minutes
        PRIMARY KEY (queue_id, scope, dedup_id)
    );

    CREATE TABLE sqs_sequence (queue_id INTEGER PRIMARY KEY, last INTEGER NOT NULL);

    CREATE TABLE sqs_move_tasks (
        task_handle TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        destination_arn TEXT,               -- NULL: each message goes back to its original source queue
        max_per_second INTEGER,
        status TEXT NOT NULL,               -- RUNNING | COMPLETED | CANCELLING | CANCELLED | FAILED
        moved INTEGER NOT NULL DEFAULT 0,
        to_move INTEGER NOT NULL,
        failure_reason TEXT,
        started_at REAL NOT NULL
    );
    CREATE INDEX sqs_move_tasks_by_source ON sqs_move_tasks (source_arn, started_at);
    """,
    # AWS refuses to create a queue under a name deleted less than 60 seconds ago.
    """
    CREATE TABLE sqs_deleted_queues (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        deleted_at REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    """,
    # The head (earliest message) of every message group, kept by triggers on every insert and
    # delete, so a FIFO receive visits group heads in order instead of walking the whole queue (a
    # long group whose head is in flight costs nothing). Triggers are SQLite's syntax here; the
    # PostgreSQL backend will need its own form of these two.
    """
    CREATE TABLE sqs_group_heads (
        queue_id INTEGER NOT NULL,
        group_id TEXT NOT NULL,
        head_seq INTEGER,
        PRIMARY KEY (queue_id, group_id)
    );
    CREATE INDEX sqs_group_heads_in_order ON sqs_group_heads (queue_id, head_seq);
    CREATE INDEX sqs_deduplication_by_expiry ON sqs_deduplication (queue_id, expires_at);
    INSERT INTO sqs_group_heads (queue_id, group_id, head_seq)
        SELECT queue_id, group_id, MIN(seq) FROM sqs_messages WHERE group_id IS NOT NULL GROUP BY queue_id, group_id;
    CREATE TRIGGER sqs_group_head_on_insert AFTER INSERT ON sqs_messages WHEN NEW.group_id IS NOT NULL
    BEGIN
        INSERT OR IGNORE INTO sqs_group_heads (queue_id, group_id, head_seq) VALUES (NEW.queue_id, NEW.group_id, NEW.seq);
    END;
    CREATE TRIGGER sqs_group_head_on_delete AFTER DELETE ON sqs_messages WHEN OLD.group_id IS NOT NULL
    BEGIN
        UPDATE sqs_group_heads SET head_seq = (
            SELECT MIN(seq) FROM sqs_messages WHERE queue_id = OLD.queue_id AND group_id = OLD.group_id
        ) WHERE queue_id = OLD.queue_id AND group_id = OLD.group_id AND head_seq = OLD.seq;
        DELETE FROM sqs_group_heads WHERE queue_id = OLD.queue_id AND group_id = OLD.group_id AND head_seq IS NULL;
    END;
    """,
]
