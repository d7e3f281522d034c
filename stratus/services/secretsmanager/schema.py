"""The secretsmanager database: secrets, their versions and staging labels, tags, replicas and
rotations in flight.

Secrets are scoped by (account_id, region, name); everything below a secret by its `secret_id`,
which comes from `sm_sequences` and is never reused, so rows of a purged secret can never show up
under a new one of the same name. A replica is a secret of its own in the replica's region
(`primary_secret_id` names its primary). Times are epoch seconds of the Stratus clock.

Secret values are never stored in clear: each version holds its value encrypted with AES-256-GCM
under a data key that KMS generated, and that data key as KMS encrypted it (envelope encryption, as
Secrets Manager does).
"""

from __future__ import annotations

SECRETSMANAGER_DATABASE = "secretsmanager"

MIGRATIONS = [
    """
    CREATE TABLE sm_sequences (
        name TEXT PRIMARY KEY,              -- secret | version
        last INTEGER NOT NULL
    );

    CREATE TABLE sm_secrets (
        secret_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        description TEXT,
        kms_key_id TEXT,                    -- as the caller named it; NULL: aws/secretsmanager
        secret_type TEXT,                   -- the partner of a managed external secret
        owning_service TEXT,
        created_at REAL NOT NULL,
        last_changed_at REAL NOT NULL,
        last_accessed_at REAL,              -- midnight (UTC) of the last day a value was read
        deleted_at REAL,                    -- set while the secret is scheduled for deletion
        deletion_due_at REAL,               -- when the background sweep purges it
        rotation_enabled INTEGER,           -- NULL: rotation was never configured
        rotation_lambda_arn TEXT,
        rotation_days INTEGER,              -- RotationRules.AutomaticallyAfterDays
        rotation_schedule TEXT,             -- RotationRules.ScheduleExpression
        rotation_duration TEXT,             -- RotationRules.Duration
        external_rotation_metadata TEXT,    -- JSON list of {Key, Value}
        external_rotation_role_arn TEXT,
        last_rotated_at REAL,
        rotation_base_at REAL,              -- what the next scheduled rotation is counted from
        next_rotation_at REAL,              -- when the next rotation window opens
        next_rotation_end_at REAL,          -- ... and closes (NextRotationDate)
        policy TEXT,
        tags_shown INTEGER NOT NULL DEFAULT 0,  -- Tags appear (maybe empty) once a secret had tags
        primary_secret_id INTEGER           -- set on replicas
    );
    CREATE UNIQUE INDEX sm_secrets_by_name ON sm_secrets (account_id, region, name);
    CREATE INDEX sm_secrets_by_arn ON sm_secrets (arn);
    CREATE INDEX sm_secrets_by_deletion ON sm_secrets (deletion_due_at);
    CREATE INDEX sm_secrets_by_rotation ON sm_secrets (next_rotation_at);
    CREATE INDEX sm_secrets_by_primary ON sm_secrets (primary_secret_id);

    CREATE TABLE sm_versions (
        secret_id INTEGER NOT NULL,
        version_id TEXT NOT NULL,
        seq INTEGER NOT NULL,               -- creation order, from sm_sequences
        created_at REAL NOT NULL,
        last_accessed_at REAL,
        value_type TEXT,                    -- string | binary; NULL: the empty version of a rotation
        kms_key_id TEXT,                    -- the key the value is encrypted under, as named
        encrypted_data_key BLOB,
        nonce BLOB,
        ciphertext BLOB,
        PRIMARY KEY (secret_id, version_id)
    );
    CREATE INDEX sm_versions_by_seq ON sm_versions (secret_id, seq);

    CREATE TABLE sm_stages (
        secret_id INTEGER NOT NULL,
        stage TEXT NOT NULL,
        version_id TEXT NOT NULL,
        PRIMARY KEY (secret_id, stage)
    );
    CREATE INDEX sm_stages_by_version ON sm_stages (secret_id, version_id);

    CREATE TABLE sm_tags (
        secret_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        position INTEGER NOT NULL,          -- tags are answered in the order they were added
        PRIMARY KEY (secret_id, key)
    );

    -- The replica regions of a primary secret, with the replica's status.
    CREATE TABLE sm_replicas (
        primary_secret_id INTEGER NOT NULL,
        region TEXT NOT NULL,
        kms_key_id TEXT,                    -- NULL: aws/secretsmanager of that region
        status TEXT NOT NULL,               -- InSync | Failed | InProgress
        status_message TEXT NOT NULL,
        replica_secret_id INTEGER,          -- NULL when the replica could not be created
        position INTEGER NOT NULL,
        PRIMARY KEY (primary_secret_id, region)
    );

    -- A rotation the outbox is running: its pending version and the token handed to the function.
    CREATE TABLE sm_rotations (
        secret_id INTEGER PRIMARY KEY,
        version_id TEXT NOT NULL,
        rotation_token TEXT NOT NULL,
        lambda_arn TEXT NOT NULL,
        immediately INTEGER NOT NULL,       -- 0: only the testSecret step (RotateImmediately=false)
        started_at REAL NOT NULL
    );
    """,
]
