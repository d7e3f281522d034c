"""The logs database: log groups, their tags, log streams and log events.

Groups are scoped by (account_id, region, name); streams by their group's `group_id`; events by
their stream's `stream_id` (and `group_id`, for searches across a group). Group, stream and event
ids come from `logs_sequences` and are never reused, so the events of a deleted stream or group,
purged later in the background (`logs_purges`), can never show up under a new one. Times are
epoch milliseconds of the Stratus clock, as the API speaks them.
"""

from __future__ import annotations

LOGS_DATABASE = "logs"

MIGRATIONS = [
    """
    CREATE TABLE logs_sequences (
        name TEXT PRIMARY KEY,              -- group | stream | event
        last INTEGER NOT NULL
    );

    CREATE TABLE logs_groups (
        group_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        retention_days INTEGER,             -- NULL: events never expire
        kms_key_id TEXT,
        group_class TEXT NOT NULL,          -- STANDARD | INFREQUENT_ACCESS | DELIVERY
        deletion_protection INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX logs_groups_by_name ON logs_groups (account_id, region, name);
    CREATE INDEX logs_groups_with_retention ON logs_groups (retention_days);

    CREATE TABLE logs_group_tags (
        group_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (group_id, key)
    );

    CREATE TABLE logs_streams (
        stream_id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        first_event_ms INTEGER,             -- NULL until the first event
        last_event_ms INTEGER,
        last_ingestion_ms INTEGER,
        uploads INTEGER NOT NULL DEFAULT 0, -- accepted PutLogEvents batches (the sequence token)
        stored_bytes INTEGER NOT NULL DEFAULT 0  -- UTF-8 bytes of its events: the group's storedBytes
    );
    CREATE UNIQUE INDEX logs_streams_by_name ON logs_streams (group_id, name);
    CREATE INDEX logs_streams_by_last_event ON logs_streams (group_id, last_event_ms, name);

    CREATE TABLE logs_events (
        seq INTEGER PRIMARY KEY,            -- ingestion order, from logs_sequences: never reused
        group_id INTEGER NOT NULL,
        stream_id INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        ingestion_ms INTEGER NOT NULL,
        size INTEGER NOT NULL,              -- UTF-8 bytes of the message
        message TEXT NOT NULL
    );
    CREATE INDEX logs_events_by_stream ON logs_events (stream_id, timestamp, seq);
    CREATE INDEX logs_events_by_group ON logs_events (group_id, timestamp, seq);

    -- Events of deleted groups and streams, removed in batches by the background sweep.
    CREATE TABLE logs_purges (
        kind TEXT NOT NULL,                 -- group | stream
        id INTEGER NOT NULL,
        PRIMARY KEY (kind, id)
    );
    """,
]
