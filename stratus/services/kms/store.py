"""Keys, key material versions, aliases and tags: the records and their queries."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from stratus.core.ids import partition_for_region
from stratus.services.kms.common import key_arn
from stratus.store import Database, Row


@dataclass(frozen=True, slots=True)
class Key:
    account_id: str
    region: str
    key_id: str
    created: float
    description: str
    key_usage: str
    key_spec: str
    origin: str
    key_manager: str
    key_state: str
    policy: str
    enabled_before_import: bool = True
    deletion_date: float | None = None
    pending_window_days: int | None = None
    multi_region: bool = False
    primary_region: str | None = None
    rotation_period_days: int | None = None
    next_rotation: float | None = None
    on_demand_rotations: int = 0
    current_version: int | None = None
    expiration_model: str | None = None
    valid_to: float | None = None

    @property
    def arn(self) -> str:
        return key_arn(partition_for_region(self.region), self.region, self.account_id, self.key_id)

    @property
    def enabled(self) -> bool:
        return self.key_state == "Enabled"

    @property
    def is_replica(self) -> bool:
        return self.multi_region and self.primary_region != self.region

    def with_changes(self, **changes: object) -> Key:
        return replace(self, **changes)


_KEY_COLUMNS = tuple(field.name for field in fields(Key))
_BOOLEAN_COLUMNS = ("enabled_before_import", "multi_region")


def key_from_row(row: Row) -> Key:
    values = {name: row[name] for name in _KEY_COLUMNS}
    for name in _BOOLEAN_COLUMNS:
        values[name] = bool(values[name])
    return Key(**values)


def find_key(db: Database, account_id: str, region: str, key_id: str) -> Key | None:
    row = db.query_one(
        "SELECT * FROM kms_keys WHERE account_id = ? AND region = ? AND key_id = ?",
        (account_id, region, key_id),
    )
    return key_from_row(row) if row is not None else None


def insert_key(db: Database, key: Key) -> None:
    marks = ", ".join("?" for _ in _KEY_COLUMNS)
    values = [int(v) if isinstance(v, bool) else v for v in (getattr(key, n) for n in _KEY_COLUMNS)]
    db.execute(f"INSERT INTO kms_keys ({', '.join(_KEY_COLUMNS)}) VALUES ({marks})", values)


def save_key(db: Database, key: Key) -> None:
    """Write every mutable column of the key back."""
    columns = [name for name in _KEY_COLUMNS if name not in ("account_id", "region", "key_id")]
    assignments = ", ".join(f"{name} = ?" for name in columns)
    values = [int(v) if isinstance(v, bool) else v for v in (getattr(key, n) for n in columns)]
    db.execute(
        f"UPDATE kms_keys SET {assignments} WHERE account_id = ? AND region = ? AND key_id = ?",
        (*values, key.account_id, key.region, key.key_id),
    )


def keys_page(db: Database, account_id: str, region: str, after: str | None, limit: int) -> list[Key]:
    rows = db.query(
        "SELECT * FROM kms_keys WHERE account_id = ? AND region = ? AND key_id > ? ORDER BY key_id LIMIT ?",
        (account_id, region, after or "", limit),
    )
    return [key_from_row(row) for row in rows]


def regions_of_key(db: Database, account_id: str, key_id: str) -> list[Key]:
    """Every region's copy of a multi-Region key (same key id), primary and replicas."""
    rows = db.query(
        "SELECT * FROM kms_keys WHERE account_id = ? AND key_id = ? ORDER BY region", (account_id, key_id)
    )
    return [key_from_row(row) for row in rows]


def delete_key_rows(db: Database, key: Key) -> None:
    """Remove a key and everything that belongs to it (aliases, tags, grants, material, tokens)."""
    scope = (key.account_id, key.region, key.key_id)
    where = "account_id = ? AND region = ? AND "
    db.execute(f"DELETE FROM kms_keys WHERE {where}key_id = ?", scope)
    db.execute(f"DELETE FROM kms_materials WHERE {where}key_id = ?", scope)
    db.execute(f"DELETE FROM kms_aliases WHERE {where}target_key_id = ?", scope)
    db.execute(f"DELETE FROM kms_tags WHERE {where}key_id = ?", scope)
    db.execute(f"DELETE FROM kms_grants WHERE {where}key_id = ?", scope)
    db.execute(f"DELETE FROM kms_import_tokens WHERE {where}key_id = ?", scope)
    db.execute(f"DELETE FROM kms_key_usage WHERE {where}key_id = ?", scope)


# -- key material ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Material:
    account_id: str
    region: str
    key_id: str
    version: int
    material_id: str
    created: float
    sealed: bytes | None
    state: str
    rotation_type: str | None
    rotated: float | None
    imported: bool
    expiration_model: str | None
    valid_to: float | None
    description: str | None


def material_from_row(row: Row) -> Material:
    return Material(
        account_id=row["account_id"],
        region=row["region"],
        key_id=row["key_id"],
        version=row["version"],
        material_id=row["material_id"],
        created=row["created"],
        sealed=row["sealed"],
        state=row["state"],
        rotation_type=row["rotation_type"],
        rotated=row["rotated"],
        imported=bool(row["imported"]),
        expiration_model=row["expiration_model"],
        valid_to=row["valid_to"],
        description=row["description"],
    )


def find_material(db: Database, key: Key, version: int) -> Material | None:
    row = db.query_one(
        "SELECT * FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ? AND version = ?",
        (key.account_id, key.region, key.key_id, version),
    )
    return material_from_row(row) if row is not None else None


def find_material_by_id(db: Database, key: Key, material_id: str) -> Material | None:
    row = db.query_one(
        "SELECT * FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ? AND material_id = ?",
        (key.account_id, key.region, key.key_id, material_id),
    )
    return material_from_row(row) if row is not None else None


def materials_of(db: Database, key: Key) -> list[Material]:
    rows = db.query(
        "SELECT * FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ? ORDER BY version",
        (key.account_id, key.region, key.key_id),
    )
    return [material_from_row(row) for row in rows]


def insert_material(db: Database, material: Material) -> None:
    db.execute(
        "INSERT INTO kms_materials (account_id, region, key_id, version, material_id, created, sealed, "
        "state, rotation_type, rotated, imported, expiration_model, valid_to, description) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            material.account_id,
            material.region,
            material.key_id,
            material.version,
            material.material_id,
            material.created,
            material.sealed,
            material.state,
            material.rotation_type,
            material.rotated,
            int(material.imported),
            material.expiration_model,
            material.valid_to,
            material.description,
        ),
    )


def next_version(db: Database, key: Key) -> int:
    row = db.query_one(
        "SELECT MAX(version) AS last FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ?",
        (key.account_id, key.region, key.key_id),
    )
    return (row["last"] or 0) + 1


# -- aliases --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alias:
    account_id: str
    region: str
    name: str
    target_key_id: str
    created: float
    updated: float


def _alias(row: Row) -> Alias:
    return Alias(
        row["account_id"],
        row["region"],
        row["alias_name"],
        row["target_key_id"],
        row["created"],
        row["updated"],
    )


def find_alias(db: Database, account_id: str, region: str, name: str) -> Alias | None:
    row = db.query_one(
        "SELECT * FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
        (account_id, region, name),
    )
    return _alias(row) if row is not None else None


def aliases_in(db: Database, account_id: str, region: str, target_key_id: str | None = None) -> list[Alias]:
    if target_key_id is None:
        rows = db.query(
            "SELECT * FROM kms_aliases WHERE account_id = ? AND region = ? ORDER BY alias_name",
            (account_id, region),
        )
    else:
        rows = db.query(
            "SELECT * FROM kms_aliases WHERE account_id = ? AND region = ? AND target_key_id = ? "
            "ORDER BY alias_name",
            (account_id, region, target_key_id),
        )
    return [_alias(row) for row in rows]


def put_alias(db: Database, account_id: str, region: str, name: str, target_key_id: str, at: float) -> None:
    db.execute(
        "INSERT INTO kms_aliases (account_id, region, alias_name, target_key_id, created, updated) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, alias_name) "
        "DO UPDATE SET target_key_id = excluded.target_key_id, updated = excluded.updated",
        (account_id, region, name, target_key_id, at, at),
    )


def delete_alias(db: Database, account_id: str, region: str, name: str) -> None:
    db.execute(
        "DELETE FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
        (account_id, region, name),
    )


# -- tags -----------------------------------------------------------------------------------


def read_tags(db: Database, key: Key) -> dict[str, str]:
    rows = db.query(
        "SELECT tag_key, tag_value FROM kms_tags WHERE account_id = ? AND region = ? AND key_id = ? "
        "ORDER BY tag_key",
        (key.account_id, key.region, key.key_id),
    )
    return {row["tag_key"]: row["tag_value"] for row in rows}


def write_tags(db: Database, key: Key, tags: dict[str, str]) -> None:
    db.executemany(
        "INSERT INTO kms_tags (account_id, region, key_id, tag_key, tag_value) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (account_id, region, key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
        [(key.account_id, key.region, key.key_id, k, v) for k, v in tags.items()],
    )


def remove_tags(db: Database, key: Key, tag_keys: list[str]) -> None:
    db.executemany(
        "DELETE FROM kms_tags WHERE account_id = ? AND region = ? AND key_id = ? AND tag_key = ?",
        [(key.account_id, key.region, key.key_id, k) for k in tag_keys],
    )
