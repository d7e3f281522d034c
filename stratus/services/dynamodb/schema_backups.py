"""The dynamodb database's tables for backups, point-in-time recovery, exports and imports
(migration 3).

A backup is a full copy: its row keeps the table's definition and identity at that moment, and
`ddb_backup_items` keeps every item (the table may change or go away; the backup does not).

Point-in-time recovery keeps an undo log: every item change of a PITR-enabled table, with the
item before and after and the moment it happened (`ddb_pitr_changes`, see pitr.py). The state at
time T is the table now with every change after T undone, so no snapshot is needed when PITR is
switched on, and changes older than the recovery window are simply deleted.

Exports and imports are jobs whose description is kept as JSON, with the ClientToken (and a
digest of the request it came with) for idempotent replays.
"""

TABLES = """
CREATE TABLE ddb_backups (
    backup_id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource TEXT NOT NULL,             -- table/<name>/backup/<id>: the ARN without partition and region
    arn TEXT NOT NULL,
    name TEXT NOT NULL,
    backup_type TEXT NOT NULL,          -- USER | SYSTEM
    created_at REAL NOT NULL,
    expires_at REAL,                    -- SYSTEM backups expire 35 days after the table's deletion
    table_name TEXT NOT NULL,
    table_arn TEXT NOT NULL,
    table_uuid TEXT NOT NULL,
    table_created_at REAL NOT NULL,
    definition TEXT NOT NULL,           -- the table's definition (JSON) when the backup was taken
    item_count INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL
);
CREATE UNIQUE INDEX ddb_backups_by_resource ON ddb_backups (account_id, region, resource);
CREATE INDEX ddb_backups_by_time ON ddb_backups (account_id, region, created_at);

CREATE TABLE ddb_backup_items (
    backup_id INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    pk BLOB NOT NULL,
    sk BLOB NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (backup_id, hash, pk, sk)
) WITHOUT ROWID;

-- The undo log of PITR-enabled tables, in the order the changes were made (`seq`).
CREATE TABLE ddb_pitr_changes (
    seq INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL,
    at REAL NOT NULL,
    hash INTEGER NOT NULL,
    pk BLOB NOT NULL,
    sk BLOB NOT NULL,
    old_item TEXT,                      -- NULL: the item did not exist before
    new_item TEXT                       -- NULL: the change deleted it
);
CREATE INDEX ddb_pitr_changes_by_time ON ddb_pitr_changes (table_id, at);

CREATE TABLE ddb_exports (
    export_id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource TEXT NOT NULL,             -- table/<name>/export/<id>
    arn TEXT NOT NULL,
    table_arn TEXT NOT NULL,
    table_uuid TEXT NOT NULL,
    client_token TEXT,
    request_digest TEXT NOT NULL,
    created_at REAL NOT NULL,
    description TEXT NOT NULL           -- ExportDescription as JSON, times in epoch seconds
);
CREATE UNIQUE INDEX ddb_exports_by_resource ON ddb_exports (account_id, region, resource);
CREATE INDEX ddb_exports_by_token ON ddb_exports (account_id, region, client_token);

CREATE TABLE ddb_imports (
    import_id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource TEXT NOT NULL,             -- table/<name>/import/<id>
    arn TEXT NOT NULL,
    table_arn TEXT NOT NULL,
    table_name TEXT NOT NULL,
    client_token TEXT,
    created_at REAL NOT NULL,
    description TEXT NOT NULL           -- ImportTableDescription as JSON, times in epoch seconds
);
CREATE UNIQUE INDEX ddb_imports_by_resource ON ddb_imports (account_id, region, resource);
CREATE INDEX ddb_imports_by_token ON ddb_imports (account_id, region, client_token);
"""
