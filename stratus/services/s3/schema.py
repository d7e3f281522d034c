"""The s3 database: buckets (names are global: one row per name across accounts and regions),
their stored configurations, object versions, multipart uploads and their parts.

Object and part bodies are blobs (`runtime.state.blobs("s3")`), named by generated ids; a row
refers to its blob only once the blob is complete (written, fsynced, renamed). Object bodies of at
most 64 KiB are kept in the row itself (`inline_body`): one SQLite commit then stores body and
metadata together, which is what makes small PUTs cheap. Times are emulated
epoch seconds (the Stratus clock).
"""

from __future__ import annotations

S3_DATABASE = "s3"

MIGRATIONS = [
    """
    CREATE TABLE s3_buckets (
        name TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at REAL NOT NULL,
        versioning TEXT NOT NULL DEFAULT '',    -- '' (never enabled) | Enabled | Suspended
        mfa_delete TEXT NOT NULL DEFAULT '',    -- '' | Enabled | Disabled
        object_lock INTEGER NOT NULL DEFAULT 0  -- created with object lock enabled
    );
    CREATE INDEX s3_buckets_by_owner ON s3_buckets (account_id, name);

    -- Stored configurations by kind: policy, cors, lifecycle, encryption, tagging, acl, website,
    -- logging, notification, request-payment, accelerate, ownership-controls, public-access-block,
    -- object-lock, replication; `config_id` names one of several (inventory, metrics, analytics,
    -- intelligent-tiering), '' otherwise. `document` is JSON in the model's shape.
    CREATE TABLE s3_bucket_configs (
        bucket TEXT NOT NULL,
        kind TEXT NOT NULL,
        config_id TEXT NOT NULL DEFAULT '',
        document TEXT NOT NULL,
        PRIMARY KEY (bucket, kind, config_id)
    );

    -- One row per object version. The current version of a key has is_latest = 1 (a delete
    -- marker can be it). Unversioned buckets keep one version per key, version_id 'null'.
    CREATE TABLE s3_objects (
        object_id INTEGER PRIMARY KEY,          -- creation order (version order within a key)
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        is_latest INTEGER NOT NULL,
        delete_marker INTEGER NOT NULL DEFAULT 0,
        blob_id TEXT,                           -- the body's file; NULL for a marker, an empty or inline body
        inline_body BLOB,                       -- a small body kept in the row (no file, no fsync)
        size INTEGER NOT NULL DEFAULT 0,
        etag TEXT NOT NULL DEFAULT '',          -- with its quotes, as S3 shows it
        last_modified REAL NOT NULL,
        storage_class TEXT NOT NULL DEFAULT 'STANDARD',
        owner_id TEXT NOT NULL,                 -- the account that wrote it
        headers TEXT NOT NULL DEFAULT '{}',     -- JSON: ContentType, CacheControl, ... (system metadata)
        metadata TEXT NOT NULL DEFAULT '{}',    -- JSON: user metadata (x-amz-meta-*)
        checksums TEXT NOT NULL DEFAULT '{}',   -- JSON: {"CRC32": b64, ..., "type": FULL_OBJECT|COMPOSITE}
        parts TEXT,                             -- JSON: [[size, checksums]...] of a multipart upload
        tags TEXT NOT NULL DEFAULT '{}',        -- JSON: {key: value}
        acl TEXT,                               -- JSON: the object's grants when not the default
        extra TEXT NOT NULL DEFAULT '{}'        -- JSON: legal hold, retention, restore, encryption ...
    );
    CREATE INDEX s3_objects_by_key ON s3_objects (bucket, key, object_id);
    CREATE INDEX s3_objects_current ON s3_objects (bucket, key) WHERE is_latest = 1;
    CREATE INDEX s3_objects_by_version ON s3_objects (bucket, key, version_id);
    CREATE INDEX s3_objects_by_blob ON s3_objects (blob_id);

    CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        initiated_at REAL NOT NULL,
        owner_id TEXT NOT NULL,
        storage_class TEXT NOT NULL DEFAULT 'STANDARD',
        headers TEXT NOT NULL DEFAULT '{}',
        metadata TEXT NOT NULL DEFAULT '{}',
        checksum_algorithm TEXT,
        checksum_type TEXT,
        tags TEXT NOT NULL DEFAULT '{}',
        extra TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX s3_uploads_by_key ON s3_uploads (bucket, key, initiated_at);

    CREATE TABLE s3_parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        blob_id TEXT,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        checksums TEXT NOT NULL DEFAULT '{}',
        last_modified REAL NOT NULL,
        PRIMARY KEY (upload_id, part_number)
    );
    CREATE INDEX s3_parts_by_blob ON s3_parts (blob_id);
    """,
]
