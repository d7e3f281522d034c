"""The lambda database: functions ($LATEST configuration and code), their tags.

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
]
