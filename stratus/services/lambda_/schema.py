"""The lambda database: functions ($LATEST configuration and code), their versions, aliases, tags,
resource policies, layers, URLs, event invoke configs, event source mappings and other settings.

Functions are keyed by (account_id, region, name); `function_id` is ours and names nothing a user
chose. The code body is a blob (`code_blob_id`, see code_store.py). Times are emulated epoch seconds.
"""

from __future__ import annotations

LAMBDA_DATABASE = "lambda"

MIGRATIONS = [
    """
    CREATE TABLE lambda_functions (
        function_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        config TEXT NOT NULL,               -- JSON: the configuration members as FunctionConfiguration shows them
        code_blob_id TEXT NOT NULL,
        code_sha256 TEXT NOT NULL,          -- base64 SHA-256 of the zip
        code_size INTEGER NOT NULL,
        code_unzipped_size INTEGER NOT NULL,
        revision_id TEXT NOT NULL,
        last_modified REAL NOT NULL,
        reserved_concurrency INTEGER,       -- PutFunctionConcurrency (NULL: none reserved)
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX lambda_functions_by_name ON lambda_functions (account_id, region, name);

    CREATE TABLE lambda_function_tags (
        function_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (function_id, key)
    );

    -- Settings of the service itself (e.g. the key signing Code.Location URLs; see code_urls.py).
    CREATE TABLE lambda_settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE lambda_functions ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;  -- never reused

    -- Published versions: an immutable copy of $LATEST's configuration and code at publish time.
    CREATE TABLE lambda_versions (
        function_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        config TEXT NOT NULL,
        code_blob_id TEXT NOT NULL,         -- shared with $LATEST (or other versions) until unreferenced
        code_sha256 TEXT NOT NULL,
        code_size INTEGER NOT NULL,
        code_unzipped_size INTEGER NOT NULL,
        revision_id TEXT NOT NULL,
        last_modified REAL NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (function_id, version)
    );
    CREATE INDEX lambda_versions_by_blob ON lambda_versions (code_blob_id);

    CREATE TABLE lambda_aliases (
        function_id TEXT NOT NULL,
        name TEXT NOT NULL,
        function_version TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        routing_config TEXT,                -- JSON AdditionalVersionWeights, NULL when none
        revision_id TEXT NOT NULL,
        PRIMARY KEY (function_id, name)
    );

    -- Resource-based policy statements (AddPermission); qualifier '' is the unqualified function.
    CREATE TABLE lambda_policy_statements (
        function_id TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        statement_id TEXT NOT NULL,
        statement TEXT NOT NULL,            -- JSON, as GetPolicy shows it
        position INTEGER NOT NULL,          -- insertion order
        PRIMARY KEY (function_id, qualifier, statement_id)
    );

    CREATE TABLE lambda_layers (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        last_version INTEGER NOT NULL,      -- numbers are never reused, even after deletes
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE lambda_layer_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        config TEXT NOT NULL,               -- JSON: Description, CompatibleRuntimes, LicenseInfo, ...
        content_blob_id TEXT NOT NULL,
        code_sha256 TEXT NOT NULL,
        code_size INTEGER NOT NULL,
        policy_revision_id TEXT,
        created_at REAL NOT NULL,
        PRIMARY KEY (account_id, region, name, version)
    );
    CREATE TABLE lambda_layer_version_statements (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        statement_id TEXT NOT NULL,
        statement TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name, version, statement_id)
    );

    -- Function URLs; qualifier '' is the unqualified function.
    CREATE TABLE lambda_url_configs (
        url_id TEXT PRIMARY KEY,
        function_id TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at REAL NOT NULL,
        last_modified REAL NOT NULL
    );
    CREATE UNIQUE INDEX lambda_url_configs_by_function ON lambda_url_configs (function_id, qualifier);

    CREATE TABLE lambda_event_invoke_configs (
        function_id TEXT NOT NULL,
        qualifier TEXT NOT NULL,            -- '$LATEST', a version or an alias
        config TEXT NOT NULL,
        last_modified REAL NOT NULL,
        PRIMARY KEY (function_id, qualifier)
    );

    CREATE TABLE lambda_event_source_mappings (
        uuid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        function_arn TEXT NOT NULL,         -- as resolved at create/update (qualified when given so)
        event_source_arn TEXT,
        config TEXT NOT NULL,               -- JSON: the mapping's settings
        state TEXT NOT NULL,
        state_reason TEXT NOT NULL DEFAULT '',
        last_modified REAL NOT NULL,
        position TEXT                       -- JSON: the poller's progress (stream iterators, ...)
    );
    CREATE INDEX lambda_esm_by_function ON lambda_event_source_mappings (account_id, region, function_arn);
    CREATE INDEX lambda_esm_by_source ON lambda_event_source_mappings (account_id, region, event_source_arn);

    CREATE TABLE lambda_provisioned_concurrency (
        function_id TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        requested INTEGER NOT NULL,
        last_modified REAL NOT NULL,
        PRIMARY KEY (function_id, qualifier)
    );

    CREATE TABLE lambda_code_signing_configs (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        config_id TEXT NOT NULL,
        config TEXT NOT NULL,
        last_modified REAL NOT NULL,
        PRIMARY KEY (account_id, region, config_id)
    );
    CREATE TABLE lambda_function_code_signing (
        function_id TEXT PRIMARY KEY,
        config_arn TEXT NOT NULL
    );

    -- Small per-function settings (runtime management, recursion, ...) by qualifier and name.
    CREATE TABLE lambda_function_settings (
        function_id TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,                -- JSON
        PRIMARY KEY (function_id, qualifier, name)
    );
    """,
]
