"""The dynamodb database: tables, their items and index entries, tags.

Tables are scoped by (account_id, region, name). Items are keyed by order-preserving encodings of
their key values (`key_codec`), so a Query is a range scan of the primary key index:
(table_id, hash, pk, sk) where `hash` is a stable hash of the encoded partition key — Scan walks
tables in hash order (as DynamoDB does) and a parallel scan's segment is a hash range. Secondary
index entries live in `ddb_index_items` under the index's own key, with the table key appended so
entries with equal index keys stay distinct. Items are stored as DynamoDB JSON text.

Streams (`ddb_streams`, `ddb_stream_shards`, `ddb_stream_records`) number their records per
stream; see stream_store.py.
"""

from __future__ import annotations

from stratus.services.dynamodb import schema_backups, schema_global

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
        disabled_at REAL,                   -- streams stay readable 24 hours after they are disabled
        last_seq INTEGER NOT NULL DEFAULT 0,    -- the last sequence number given (or reserved)
        trimmed_seq INTEGER NOT NULL DEFAULT 0  -- every record up to this one has been trimmed
    );
    CREATE UNIQUE INDEX ddb_streams_by_arn ON ddb_streams (arn);
    CREATE INDEX ddb_streams_by_table ON ddb_streams (account_id, region, table_name);
    CREATE INDEX ddb_streams_by_table_id ON ddb_streams (table_id);

    CREATE TABLE ddb_stream_shards (
        stream_id INTEGER NOT NULL,
        shard_id TEXT NOT NULL,
        parent_shard_id TEXT,
        first_seq INTEGER NOT NULL,         -- the sequence numbers the shard holds: [first_seq, last_seq]
        last_seq INTEGER,                   -- NULL while open
        opened_at REAL NOT NULL,
        closed_at REAL,                     -- the shard goes 24 hours after it closed (its records with it)
        PRIMARY KEY (stream_id, shard_id)
    ) WITHOUT ROWID;

    -- A stream's shards hold consecutive ranges of its sequence numbers, so a record's shard is the
    -- one whose range holds its `seq`; records are trimmed in `seq` order (they are made in time order).
    CREATE TABLE ddb_stream_records (
        stream_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,               -- the record's SequenceNumber within its stream
        created_at REAL NOT NULL,
        event_id TEXT NOT NULL,
        event_name TEXT NOT NULL,           -- INSERT | MODIFY | REMOVE
        size_bytes INTEGER NOT NULL,
        by_service INTEGER NOT NULL,        -- 1: a TTL deletion (userIdentity dynamodb.amazonaws.com)
        images TEXT NOT NULL,               -- item JSON: {"Keys": {"M": ...}, "NewImage"?: ..., "OldImage"?: ...}
        PRIMARY KEY (stream_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX ddb_stream_records_by_age ON ddb_stream_records (stream_id, created_at);
    """,
    """
    CREATE TABLE ddb_transaction_tokens (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,                -- TransactWriteItems' ClientRequestToken (10 minutes)
        digest TEXT NOT NULL,               -- of the request it came with
        created_at REAL NOT NULL,
        PRIMARY KEY (account_id, region, token)
    );

    -- Items of TTL-enabled tables whose TTL attribute is a number: when each expires.
    CREATE TABLE ddb_ttl (
        table_id INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        expires_at REAL NOT NULL,
        PRIMARY KEY (table_id, hash, pk, sk)
    ) WITHOUT ROWID;
    CREATE INDEX ddb_ttl_by_time ON ddb_ttl (expires_at);
    """,
    schema_backups.TABLES,
    schema_global.TABLES,
]
