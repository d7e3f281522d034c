"""The ssm database: parameters, their versions, labels and tags.

A parameter is scoped by (account_id, region, name); its versions, labels and tags by its
`parameter_id`, allocated from `ssm_sequences` and never reused. The latest version lives in
`ssm_parameters` itself (GetParameter is one point query on the name index) and, like every
version, in `ssm_versions`. `parent` is the path one level up (`/a/b` for `/a/b/c`, `/` for `/a`
and for names without a slash), so a one-level GetParametersByPath is an index range too; a
recursive one is the name range [path + "/", path + "0"), "0" being the character after "/".
Times are epoch seconds of the Stratus clock.
"""

from __future__ import annotations

SSM_DATABASE = "ssm"

MIGRATIONS = [
    """
    CREATE TABLE ssm_sequences (
        name TEXT PRIMARY KEY,
        last INTEGER NOT NULL
    );

    CREATE TABLE ssm_parameters (
        parameter_id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        parent TEXT NOT NULL,
        version INTEGER NOT NULL,           -- the latest version
        type TEXT NOT NULL,                 -- String | StringList | SecureString
        tier TEXT NOT NULL,                 -- Standard | Advanced
        data_type TEXT NOT NULL,
        value TEXT NOT NULL,                -- SecureString: base64 KMS ciphertext
        description TEXT,
        allowed_pattern TEXT,
        key_id TEXT,
        policies TEXT,                      -- JSON list, NULL without policies
        expires_at REAL,                    -- the Expiration policy's moment, NULL without one
        modified REAL NOT NULL,
        modified_user TEXT NOT NULL
    );
    CREATE UNIQUE INDEX ssm_parameters_by_name ON ssm_parameters (account_id, region, name);
    CREATE INDEX ssm_parameters_by_parent ON ssm_parameters (account_id, region, parent, name);
    CREATE INDEX ssm_parameters_by_tier ON ssm_parameters (account_id, region, tier);
    CREATE INDEX ssm_parameters_expiring ON ssm_parameters (expires_at) WHERE expires_at IS NOT NULL;

    CREATE TABLE ssm_versions (
        parameter_id INTEGER NOT NULL,
        version INTEGER NOT NULL,
        type TEXT NOT NULL,
        tier TEXT NOT NULL,
        data_type TEXT NOT NULL,
        value TEXT NOT NULL,
        description TEXT,
        allowed_pattern TEXT,
        key_id TEXT,
        policies TEXT,
        modified REAL NOT NULL,
        modified_user TEXT NOT NULL,
        PRIMARY KEY (parameter_id, version)
    );

    CREATE TABLE ssm_labels (
        parameter_id INTEGER NOT NULL,
        label TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (parameter_id, label)
    );
    CREATE INDEX ssm_labels_by_version ON ssm_labels (parameter_id, version);

    CREATE TABLE ssm_tags (
        parameter_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (parameter_id, key)
    );
    """,
]
