"""IAM's tables: identities, policies, attachments, keys, instance profiles (DESIGN.md §4).

IAM is global, so rows carry `account_id` but no region. Names are unique case-insensitively
within an account (`COLLATE NOCASE`) but kept as created. Child rows (memberships, attachments,
inline policies, tags, keys) point at an entity's unique id, never its name, so a rename is one
update and a deleted-then-recreated entity starts clean, as in AWS.

Dates are ISO 8601 text with the UTC offset (`datetime.isoformat()`), portable to PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from stratus.services.iam.account_store import ACCOUNT_SCHEMA
from stratus.store.sqlite import Database, Row

CORE_SCHEMA = """
CREATE TABLE iam_users (
    account_id TEXT NOT NULL,
    user_name TEXT NOT NULL COLLATE NOCASE,
    user_id TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date TEXT NOT NULL,
    boundary_arn TEXT,
    password_last_used TEXT,
    PRIMARY KEY (account_id, user_name)
);
CREATE UNIQUE INDEX iam_users_id ON iam_users (user_id);

CREATE TABLE iam_groups (
    account_id TEXT NOT NULL,
    group_name TEXT NOT NULL COLLATE NOCASE,
    group_id TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date TEXT NOT NULL,
    PRIMARY KEY (account_id, group_name)
);
CREATE UNIQUE INDEX iam_groups_id ON iam_groups (group_id);

CREATE TABLE iam_group_members (
    account_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (account_id, group_id, user_id)
);
CREATE INDEX iam_group_members_user ON iam_group_members (account_id, user_id);

CREATE TABLE iam_roles (
    account_id TEXT NOT NULL,
    role_name TEXT NOT NULL COLLATE NOCASE,
    role_id TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date TEXT NOT NULL,
    trust_policy TEXT NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    boundary_arn TEXT,
    last_used_date TEXT,
    last_used_region TEXT,
    PRIMARY KEY (account_id, role_name)
);
CREATE UNIQUE INDEX iam_roles_id ON iam_roles (role_id);

-- Customer managed policies (AWS managed ones live in code: managed_policies.py).
CREATE TABLE iam_policies (
    account_id TEXT NOT NULL,
    policy_name TEXT NOT NULL COLLATE NOCASE,
    policy_id TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    description TEXT,
    default_version_id TEXT NOT NULL,
    next_version INTEGER NOT NULL,
    create_date TEXT NOT NULL,
    update_date TEXT NOT NULL,
    PRIMARY KEY (account_id, policy_name)
);
CREATE UNIQUE INDEX iam_policies_arn ON iam_policies (account_id, arn);

CREATE TABLE iam_policy_versions (
    account_id TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    document TEXT NOT NULL,
    create_date TEXT NOT NULL,
    PRIMARY KEY (account_id, policy_id, version_id)
);

-- Managed policies (customer or AWS) attached to a user, group or role (entity_id: its unique id).
CREATE TABLE iam_attachments (
    account_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    attached_at TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_type, entity_id, policy_arn)
);
CREATE INDEX iam_attachments_policy ON iam_attachments (account_id, policy_arn);

CREATE TABLE iam_inline_policies (
    account_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    policy_name TEXT NOT NULL COLLATE NOCASE,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_type, entity_id, policy_name)
);

-- Tags of users, roles, customer managed policies and instance profiles, in the order given.
CREATE TABLE iam_tags (
    account_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    tag_key TEXT NOT NULL COLLATE NOCASE,
    tag_value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (account_id, resource_type, resource_id, tag_key)
);

CREATE TABLE iam_access_keys (
    access_key_id TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    secret_access_key TEXT NOT NULL,
    status TEXT NOT NULL,
    create_date TEXT NOT NULL,
    last_used_date TEXT,
    last_used_service TEXT,
    last_used_region TEXT
);
CREATE INDEX iam_access_keys_user ON iam_access_keys (account_id, user_id);

CREATE TABLE iam_instance_profiles (
    account_id TEXT NOT NULL,
    profile_name TEXT NOT NULL COLLATE NOCASE,
    profile_id TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    create_date TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_name)
);
CREATE UNIQUE INDEX iam_instance_profiles_id ON iam_instance_profiles (profile_id);

CREATE TABLE iam_instance_profile_roles (
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_id, role_id)
);
CREATE INDEX iam_instance_profile_roles_role ON iam_instance_profile_roles (account_id, role_id);

-- DeleteServiceLinkedRole answers with a task id; GetServiceLinkedRoleDeletionStatus reads it.
CREATE TABLE iam_role_deletion_tasks (
    account_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    role_name TEXT NOT NULL,
    PRIMARY KEY (account_id, task_id)
);
"""

MIGRATIONS: list[str] = [CORE_SCHEMA + ACCOUNT_SCHEMA]


def to_text(when: datetime) -> str:
    return when.isoformat()


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def get_user(db: Database, account_id: str, user_name: str) -> dict | None:
    """The user with that name (case-insensitive), or None: user_name (as created), user_id, arn,
    path, create_date (datetime), boundary_arn."""
    row = db.query_one(
        "SELECT * FROM iam_users WHERE account_id = ? AND user_name = ?", (account_id, user_name)
    )
    return user_dict(row) if row else None


def user_dict(row: Row) -> dict:
    return {
        "user_name": row["user_name"],
        "user_id": row["user_id"],
        "arn": row["arn"],
        "path": row["path"],
        "create_date": from_text(row["create_date"]),
        "boundary_arn": row["boundary_arn"],
        "password_last_used": from_text(row["password_last_used"]),
    }
