"""The rows of function policies (lambda_policy_statements) and the revision a policy shares with
its function, version or alias.

A policy belongs to the unqualified function (qualifier '', which `$LATEST` also names), a
published version ('3') or an alias ('live'). Lambda reports the policy's RevisionId as the
revision of that function, version or alias, and a permission added or removed gives it a new one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from stratus.services.lambda_.alias_store import put_alias
from stratus.services.lambda_.common import LATEST
from stratus.services.lambda_.function_store import update_function
from stratus.services.lambda_.functions import Resolved
from stratus.store import Database

UNQUALIFIED = ""


def policy_key(qualifier: str | None) -> str:
    """The qualifier a policy is stored under: '' for the function itself (and `$LATEST`)."""
    return UNQUALIFIED if qualifier in (None, "", LATEST) else qualifier


def statements_of(db: Database, function_id: str, qualifier: str) -> list[dict]:
    rows = db.query(
        "SELECT statement FROM lambda_policy_statements WHERE function_id = ? AND qualifier = ? ORDER BY position",
        (function_id, qualifier),
    )
    return [json.loads(row["statement"]) for row in rows]


def add_statement(db: Database, function_id: str, qualifier: str, statement: dict) -> None:
    row = db.query_one(
        "SELECT COALESCE(MAX(position), 0) AS last FROM lambda_policy_statements"
        " WHERE function_id = ? AND qualifier = ?",
        (function_id, qualifier),
    )
    db.execute(
        "INSERT INTO lambda_policy_statements (function_id, qualifier, statement_id, statement, position)"
        " VALUES (?, ?, ?, ?, ?)",
        (function_id, qualifier, statement["Sid"], json.dumps(statement), int(row["last"]) + 1),
    )


def remove_statement(db: Database, function_id: str, qualifier: str, statement_id: str) -> None:
    db.execute(
        "DELETE FROM lambda_policy_statements WHERE function_id = ? AND qualifier = ? AND statement_id = ?",
        (function_id, qualifier, statement_id),
    )


def revision_of(resolved: Resolved) -> str:
    """The RevisionId the policy of this function, version or alias carries."""
    if resolved.alias is not None:
        return resolved.alias.revision_id
    return resolved.function.revision_id


def new_revision(db: Database, resolved: Resolved) -> str:
    """Give the function, version or alias whose policy changed a new revision (as Lambda does)."""
    revision = str(uuid.uuid4())
    if resolved.alias is not None:
        put_alias(db, replace(resolved.alias, revision_id=revision))
    elif resolved.function.is_latest:
        update_function(db, replace(resolved.latest, revision_id=revision))
    else:
        # function_store.py has no writer for a version's revision; versions are otherwise immutable.
        db.execute(
            "UPDATE lambda_versions SET revision_id = ? WHERE function_id = ? AND version = ?",
            (revision, resolved.function.function_id, int(resolved.function.version)),
        )
    return revision
