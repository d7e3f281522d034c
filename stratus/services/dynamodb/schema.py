"""The dynamodb database: tables, their items and index entries, tags.

Tables are scoped by (account_id, region, name). Items are keyed by order-preserving encodings of
their key values (`key_codec`), so a Query is a range scan of the primary key index:
(table_id, hash, pk, sk) where `hash` is a stable hash of the encoded partition key — Scan walks
tables in hash order (as DynamoDB does) and a parallel scan's segment is a hash range. Secondary
index entries live in `ddb_index_items` under the index's own key, with the table key appended so
entries with equal index keys stay distinct. Items are stored as DynamoDB JSON text.
"""

from __future__ import annotations

DYNAMODB_DATABASE = "dynamodb"

MIGRATIONS = [
    """
    CREATE TABLE ddb_tables (
        table_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        uuid TEXT NOT NULL,                 -- TableId
        created_at REAL NOT NULL,
        definition TEXT NOT NULL,           -- JSON: key schema, attribute definitions, indexes, billing...
        item_count INTEGER NOT NULL DEFAULT 0,
        size_bytes INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX ddb_tables_by_name ON ddb_tables (account_id, region, name);

    CREATE TABLE ddb_tags (
        table_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (table_id, key)
    );

    CREATE TABLE ddb_items (
        table_id INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,                   -- empty for tables without a sort key
        item TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (table_id, hash, pk, sk)
    ) WITHOUT ROWID;

    CREATE TABLE ddb_index_items (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        hash INTEGER NOT NULL,
        ipk BLOB NOT NULL,
        isk BLOB NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        item TEXT NOT NULL,                 -- the projected attributes
        size INTEGER NOT NULL,
        PRIMARY KEY (table_id, index_name, hash, ipk, isk, pk, sk)
    ) WITHOUT ROWID;

    CREATE TABLE ddb_streams (
        stream_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        table_name TEXT NOT NULL,
        table_id INTEGER,                   -- NULL once the table is deleted (kept 24 hours)
        label TEXT NOT NULL,
        view_type TEXT NOT NULL,
        key_schema TEXT NOT NULL,           -- JSON
        created_at REAL NOT NULL,
        disabled_at REAL                    -- streams stay readable 24 hours after they are disabled
    );
    CREATE UNIQUE INDEX ddb_streams_by_arn ON ddb_streams (arn);
    CREATE INDEX ddb_streams_by_table ON ddb_streams (account_id, region, table_name);

    CREATE TABLE ddb_stream_shards (
        stream_id INTEGER NOT NULL,
        shard_id TEXT NOT NULL,
        parent_shard_id TEXT,
        first_seq INTEGER NOT NULL,         -- the sequence numbers the shard holds: [first_seq, last_seq]
        last_seq INTEGER,                   -- NULL while open
        opened_at REAL NOT NULL,
        PRIMARY KEY (stream_id, shard_id)
    );

    CREATE TABLE ddb_stream_records (
        seq INTEGER PRIMARY KEY,            -- the record's SequenceNumber: commit order
        stream_id INTEGER NOT NULL,
        shard_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        record TEXT NOT NULL                -- JSON: the record's `dynamodb` part and eventName, eventID
    );
    CREATE INDEX ddb_stream_records_by_shard ON ddb_stream_records (stream_id, shard_id, seq);
    """,
]
