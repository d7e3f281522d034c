"""Finding users, groups, roles and instance profiles by name, and the tags any of them carry."""

from __future__ import annotations

from dataclasses import dataclass

from stratus.services.iam.checks import MAX_TAGS
from stratus.services.iam.common import LimitExceeded, NoSuchEntity
from stratus.store.sqlite import Database, Row


@dataclass(frozen=True, slots=True)
class EntityKind:
    """One kind of named IAM entity and where it lives."""

    kind: str  # "user" | "group" | "role" | "instance-profile"
    table: str
    name_column: str
    id_column: str
    not_found: str  # message template with {name}
    exists: str  # message template with {name}


USER = EntityKind(
    "user",
    "iam_users",
    "user_name",
    "user_id",
    "The user with name {name} cannot be found.",
    "User with name {name} already exists.",
)
GROUP = EntityKind(
    "group",
    "iam_groups",
    "group_name",
    "group_id",
    "The group with name {name} cannot be found.",
    "Group with name {name} already exists.",
)
ROLE = EntityKind(
    "role",
    "iam_roles",
    "role_name",
    "role_id",
    "The role with name {name} cannot be found.",
    "Role with name {name} already exists.",
)
INSTANCE_PROFILE = EntityKind(
    "instance-profile",
    "iam_instance_profiles",
    "profile_name",
    "profile_id",
    "Instance Profile {name} cannot be found.",
    "Instance Profile {name} already exists.",
)
KINDS = {kind.kind: kind for kind in (USER, GROUP, ROLE, INSTANCE_PROFILE)}


def find(db: Database, kind: EntityKind, account_id: str, name: str) -> Row | None:
    """The entity with that name, compared case-insensitively (the column's collation)."""
    return db.query_one(
        f"SELECT * FROM {kind.table} WHERE account_id = ? AND {kind.name_column} = ?", (account_id, name)
    )


def require(db: Database, kind: EntityKind, account_id: str, name: str) -> Row:
    row = find(db, kind, account_id, name)
    if row is None:
        raise NoSuchEntity(kind.not_found.format(name=name))
    return row


def all_of(db: Database, kind: EntityKind, account_id: str, path_prefix: str | None = None) -> list[Row]:
    """Every entity of a kind in the account, by name, optionally under a path."""
    sql = f"SELECT * FROM {kind.table} WHERE account_id = ?"
    params: list = [account_id]
    if path_prefix:
        # substr rather than LIKE: paths may contain % and _, and the comparison must be exact.
        sql += " AND substr(path, 1, ?) = ?"
        params += [len(path_prefix), path_prefix]
    return db.query(sql + f" ORDER BY {kind.name_column}", params)


def entity_arn(partition: str, account_id: str, kind: str, path: str, name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:{kind}{path}{name}"


# -- tags ---------------------------------------------------------------------------------------


def read_tags(db: Database, account_id: str, resource_type: str, resource_id: str) -> list[dict]:
    rows = db.query(
        "SELECT tag_key, tag_value FROM iam_tags WHERE account_id = ? AND resource_type = ? AND resource_id = ? "
        "ORDER BY position",
        (account_id, resource_type, resource_id),
    )
    return [{"Key": row["tag_key"], "Value": row["tag_value"]} for row in rows]


def tag_map(db: Database, account_id: str, resource_type: str, resource_id: str) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in read_tags(db, account_id, resource_type, resource_id)}


def write_tags(
    db: Database, account_id: str, resource_type: str, resource_id: str, pairs: list[tuple[str, str]]
) -> None:
    """Add or replace tags (keys compare case-insensitively; the newest spelling wins), keeping the
    resource within IAM's 50 tags."""
    if not pairs:
        return
    existing = {tag["Key"].lower() for tag in read_tags(db, account_id, resource_type, resource_id)}
    added = {key.lower() for key, _ in pairs} - existing
    if len(existing) + len(added) > MAX_TAGS:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    row = db.query_one(
        "SELECT COALESCE(MAX(position), 0) AS last FROM iam_tags "
        "WHERE account_id = ? AND resource_type = ? AND resource_id = ?",
        (account_id, resource_type, resource_id),
    )
    position = row["last"] if row else 0
    for key, value in pairs:
        position += 1
        db.execute(
            "INSERT INTO iam_tags (account_id, resource_type, resource_id, tag_key, tag_value, position) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, resource_type, resource_id, tag_key) "
            "DO UPDATE SET tag_key = excluded.tag_key, tag_value = excluded.tag_value",
            (account_id, resource_type, resource_id, key, value, position),
        )


def remove_tags(db: Database, account_id: str, resource_type: str, resource_id: str, keys: list[str]) -> None:
    for key in keys:
        db.execute(
            "DELETE FROM iam_tags WHERE account_id = ? AND resource_type = ? AND resource_id = ? AND tag_key = ?",
            (account_id, resource_type, resource_id, key),
        )


def drop_tags(db: Database, account_id: str, resource_type: str, resource_id: str) -> None:
    db.execute(
        "DELETE FROM iam_tags WHERE account_id = ? AND resource_type = ? AND resource_id = ?",
        (account_id, resource_type, resource_id),
    )
