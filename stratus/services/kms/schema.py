"""The kms database: keys, their key material versions, aliases, tags, grants and import tokens.

Every row is scoped by (account_id, region). A key's material versions are numbered from 1 per
key; ciphertexts name the version they were made with, so every version is kept (rotation never
drops one). Key material is stored sealed (AES-GCM under the data directory's master key, see
master_key.py), never in plaintext. Times are epoch seconds of the Stratus clock.
"""

from __future__ import annotations

KMS_DATABASE = "kms"

MIGRATIONS = [
    """
    CREATE TABLE kms_keys (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        key_id TEXT NOT NULL,
        created REAL NOT NULL,
        description TEXT NOT NULL,
        key_usage TEXT NOT NULL,
        key_spec TEXT NOT NULL,
        origin TEXT NOT NULL,               -- AWS_KMS | EXTERNAL
        key_manager TEXT NOT NULL,          -- CUSTOMER | AWS
        key_state TEXT NOT NULL,            -- Enabled | Disabled | PendingDeletion | PendingImport ...
        enabled_before_import INTEGER NOT NULL DEFAULT 1,  -- EXTERNAL keys: Enabled after import?
        deletion_date REAL,                 -- PendingDeletion: when the key goes
        pending_window_days INTEGER,
        policy TEXT NOT NULL,
        multi_region INTEGER NOT NULL DEFAULT 0,
        primary_region TEXT,                -- multi-Region keys: the region of the primary key
        rotation_period_days INTEGER,       -- NULL: automatic rotation disabled
        next_rotation REAL,
        on_demand_rotations INTEGER NOT NULL DEFAULT 0,
        current_version INTEGER,            -- NULL: no usable key material (PendingImport)
        expiration_model TEXT,              -- EXTERNAL keys with imported material
        valid_to REAL,
        PRIMARY KEY (account_id, region, key_id)
    );
    CREATE INDEX kms_keys_deletion ON kms_keys (deletion_date);
    CREATE INDEX kms_keys_rotation ON kms_keys (next_rotation);
    CREATE INDEX kms_keys_expiry ON kms_keys (valid_to);

    CREATE TABLE kms_materials (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        key_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        material_id TEXT NOT NULL,          -- 64 hex digits (KeyMaterialId)
        created REAL NOT NULL,
        sealed BLOB,                        -- NULL: imported material deleted or expired
        state TEXT NOT NULL,                -- CURRENT | NON_CURRENT | PENDING_ROTATION
        rotation_type TEXT,                 -- AUTOMATIC | ON_DEMAND; NULL for the first material
        rotated REAL,                       -- when it became current through a rotation
        imported INTEGER NOT NULL DEFAULT 0,
        expiration_model TEXT,
        valid_to REAL,
        description TEXT,
        PRIMARY KEY (account_id, region, key_id, version)
    );
    CREATE INDEX kms_materials_by_id ON kms_materials (account_id, region, key_id, material_id);

    CREATE TABLE kms_aliases (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        alias_name TEXT NOT NULL,
        target_key_id TEXT NOT NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (account_id, region, alias_name)
    );
    CREATE INDEX kms_aliases_by_key ON kms_aliases (account_id, region, target_key_id);

    CREATE TABLE kms_tags (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (account_id, region, key_id, tag_key)
    );

    CREATE TABLE kms_grants (
        account_id TEXT NOT NULL,           -- the key's account and region
        region TEXT NOT NULL,
        grant_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        name TEXT,
        created REAL NOT NULL,
        grantee TEXT,
        grantee_service TEXT,
        retiring TEXT,
        retiring_service TEXT,
        issuing_account TEXT NOT NULL,
        operations TEXT NOT NULL,           -- JSON list
        constraints TEXT,                   -- JSON object, as the API speaks it
        PRIMARY KEY (account_id, region, grant_id)
    );
    CREATE INDEX kms_grants_by_key ON kms_grants (account_id, region, key_id, created);
    CREATE INDEX kms_grants_by_retiring ON kms_grants (retiring);

    -- GetParametersForImport: the wrapping key pair and its token, valid for 24 hours.
    CREATE TABLE kms_import_tokens (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        token_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        wrapping_algorithm TEXT NOT NULL,
        wrapping_key_spec TEXT NOT NULL,
        sealed_private_key BLOB NOT NULL,
        expires REAL NOT NULL,
        PRIMARY KEY (account_id, region, token_id)
    );

    -- GetKeyLastUsage: the last successful cryptographic operation with each key.
    CREATE TABLE kms_key_usage (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        key_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        used REAL NOT NULL,
        request_id TEXT NOT NULL,
        PRIMARY KEY (account_id, region, key_id)
    );
    """,
]
